package hub

// DefaultChecklist is the inspection checklist of a branch whose admin has
// not edited one: what a service centre checks on every car, in the order
// a mechanic walks round it. Codes are stable (inspection items and DMS
// lines refer to them); an admin's edit stores the branch's own copy.
func DefaultChecklist() []ChecklistItem {
	rows := []struct{ code, section, ru, pl, en, unit string }{
		{"tyre_fl", "tyres", "Шина передняя левая, протектор", "Opona przednia lewa, bieżnik", "Tyre front left, tread", "mm"},
		{"tyre_fr", "tyres", "Шина передняя правая, протектор", "Opona przednia prawa, bieżnik", "Tyre front right, tread", "mm"},
		{"tyre_rl", "tyres", "Шина задняя левая, протектор", "Opona tylna lewa, bieżnik", "Tyre rear left, tread", "mm"},
		{"tyre_rr", "tyres", "Шина задняя правая, протектор", "Opona tylna prawa, bieżnik", "Tyre rear right, tread", "mm"},
		{"tyre_pressure", "tyres", "Давление в шинах", "Ciśnienie w oponach", "Tyre pressure", "bar"},
		{"pads_front", "brakes", "Тормозные колодки передние", "Klocki hamulcowe przednie", "Brake pads front", "mm"},
		{"pads_rear", "brakes", "Тормозные колодки задние", "Klocki hamulcowe tylne", "Brake pads rear", "mm"},
		{"discs_front", "brakes", "Тормозные диски передние", "Tarcze hamulcowe przednie", "Brake discs front", "mm"},
		{"discs_rear", "brakes", "Тормозные диски задние", "Tarcze hamulcowe tylne", "Brake discs rear", "mm"},
		{"brake_fluid", "fluids", "Тормозная жидкость", "Płyn hamulcowy", "Brake fluid", "%"},
		{"engine_oil", "fluids", "Моторное масло", "Olej silnikowy", "Engine oil", ""},
		{"coolant", "fluids", "Охлаждающая жидкость", "Płyn chłodniczy", "Coolant", "°C"},
		{"washer_fluid", "fluids", "Омывающая жидкость", "Płyn do spryskiwaczy", "Washer fluid", ""},
		{"lights_front", "lights", "Фары и передние огни", "Reflektory i światła przednie", "Headlights and front lights", ""},
		{"lights_rear", "lights", "Задние фонари и стоп-сигналы", "Światła tylne i stop", "Rear and brake lights", ""},
		{"wipers", "visibility", "Щётки стеклоочистителя", "Wycieraczki", "Wiper blades", ""},
		{"windscreen", "visibility", "Лобовое стекло", "Szyba przednia", "Windscreen", ""},
		{"battery", "electrics", "Аккумулятор", "Akumulator", "Battery", "V"},
		{"suspension_front", "suspension", "Подвеска передняя", "Zawieszenie przednie", "Front suspension", ""},
		{"suspension_rear", "suspension", "Подвеска задняя", "Zawieszenie tylne", "Rear suspension", ""},
		{"steering", "suspension", "Рулевое управление", "Układ kierowniczy", "Steering", ""},
		{"leaks", "underbody", "Течи масла и жидкостей", "Wycieki oleju i płynów", "Oil and fluid leaks", ""},
		{"exhaust", "underbody", "Выхлопная система", "Układ wydechowy", "Exhaust system", ""},
		{"belts", "engine", "Приводные ремни", "Paski napędowe", "Drive belts", ""},
		{"cabin_filter", "engine", "Салонный фильтр", "Filtr kabinowy", "Cabin air filter", ""},
		{"air_filter", "engine", "Воздушный фильтр", "Filtr powietrza", "Engine air filter", ""},
	}
	out := make([]ChecklistItem, len(rows))
	for i, r := range rows {
		out[i] = ChecklistItem{Code: r.code, Position: i + 1, Section: r.section, NameRu: r.ru, NamePl: r.pl, NameEn: r.en, Unit: r.unit}
	}
	return out
}
