package hub

// unitNames are the default checklist's units (DefaultChecklist stores them
// as "mm", "bar", "V") as a reader of each language writes them; a
// Russian page said "2,5 mm". Units an admin or a mechanic typed are their
// own words and are shown as they are.
var unitNames = map[string]map[string]string{
	"ru": {"mm": "мм", "bar": "бар", "V": "В"},
}

// UnitText is a measurement's unit as people reading locale write it, for
// pages and PDFs; the DMS's change keeps the stored unit.
func UnitText(locale, unit string) string {
	if s, ok := unitNames[locale][unit]; ok {
		return s
	}
	return unit
}
