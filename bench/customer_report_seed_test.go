package bench

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// The customer-report benchmark's orders: one with no inspection, one whose
// mechanic marked 12 items (3 red, 4 yellow, 5 green, each with a note,
// most with a measurement) and took 30 photos, which the advisor sent and
// the DMS then priced. Both orders carry the same lines, so the figures
// differ by the inspection alone.

// reportItem is one item the benchmark's mechanic marks.
type reportItem struct {
	code, state, value, note string
	photos                   int
	price, line              string // the DMS line pricing it; "" for none
}

var reportItems = []reportItem{
	{"pads_front", hub.ItemRed, "2", "Колодки изношены до 2 мм, на диске задиры — тормозить опасно", 4, "6800", "Колодки тормозные передние (комплект)"},
	{"discs_front", hub.ItemRed, "21.4", "Диски ниже минимальной толщины (22 мм), биение руля при торможении", 4, "12400", "Диски тормозные передние (пара)"},
	{"tyre_fl", hub.ItemRed, "1.4", "Протектор 1,4 мм, грыжа на боковине", 4, "7900", "Шина 205/55 R16, передняя левая"},
	{"tyre_fr", hub.ItemYellow, "3.1", "Протектор 3,1 мм: хватит на сезон, не больше", 3, "7900", "Шина 205/55 R16, передняя правая"},
	{"brake_fluid", hub.ItemYellow, "3.5", "Влаги 3,5 %: заменить при следующем ТО", 3, "2300", "Замена тормозной жидкости"},
	{"battery", hub.ItemYellow, "12.1", "Напряжение 12,1 В без нагрузки, зимой может не завести", 3, "9500", "Аккумулятор 60 А·ч"},
	{"wipers", hub.ItemYellow, "", "Щётки оставляют полосы", 3, "1800", "Щётки стеклоочистителя (пара)"},
	{"tyre_rl", hub.ItemGreen, "6.5", "Протектор в норме", 2, "", ""},
	{"tyre_rr", hub.ItemGreen, "6.4", "Протектор в норме", 1, "", ""},
	{"lights_front", hub.ItemGreen, "", "Все огни работают", 1, "", ""},
	{"suspension_front", hub.ItemGreen, "", "Люфтов нет, пыльники целы", 1, "", ""},
	{"leaks", hub.ItemGreen, "", "Течей не обнаружено", 1, "", ""},
}

// seedReportOrders pushes both orders through the DMS endpoint and
// returns their customer pages' paths: plain (no inspection) and report.
func seedReportOrders(b *testing.B, h *apptest.Hub, photos []reportPhoto) (plain, report string) {
	b.Helper()
	ctx := context.Background()
	lines := func(tied bool) []any {
		out := []any{
			map[string]any{"id": "1", "kind": "labor", "name": "Плановое ТО-4", "qty": 1, "unit_price": "8500"},
			map[string]any{"id": "2", "kind": "part", "name": "Масло моторное 5W-30, 4 л", "qty": 1, "unit_price": "4200"},
			map[string]any{"id": "3", "kind": "part", "name": "Фильтр масляный", "qty": 1, "unit_price": "900"},
		}
		for i, it := range reportItems {
			if it.price == "" {
				continue
			}
			l := map[string]any{"id": fmt.Sprint(10 + i), "kind": "part", "name": it.line, "qty": 1,
				"unit_price": it.price, "needs_approval": true}
			if tied {
				l["inspection_item"] = it.code
			}
			out = append(out, l)
		}
		return out
	}
	h.PushWorkOrder(b, "plain-1", "ЗН-ОБЫЧНЫЙ", 1, "Согласование", map[string]any{"lines": lines(false)})
	plain = h.CustomerPath(b, "ЗН-ОБЫЧНЫЙ")

	h.PushWorkOrder(b, "report-1", "ЗН-ОСМОТР", 1, "Диагностика", map[string]any{"lines": lines(false)[:3]})
	th := h.Thread(b, "ЗН-ОСМОТР")
	insp, err := h.Store.StartInspection(ctx, th, "Механик Сергей")
	if err != nil {
		b.Fatal(err)
	}
	items, err := h.Store.InspectionItems(ctx, insp.ID)
	if err != nil {
		b.Fatal(err)
	}
	byCode := map[string]hub.InspectionItem{}
	for _, it := range items {
		byCode[it.Code] = it
	}
	media := hub.NewMedia(filepath.Join(h.Config.DataDir, "media"))
	n := 0
	for _, want := range reportItems {
		item, ok := byCode[want.code]
		if !ok {
			b.Fatalf("the default checklist has no %q", want.code)
		}
		e := store.ItemEdit{State: &want.state, Note: &want.note, By: "Механик Сергей"}
		if want.value != "" {
			e.Value = &want.value
		}
		if _, err := h.Store.EditInspectionItem(ctx, insp.ID, item.ID, e); err != nil {
			b.Fatal(err)
		}
		for range want.photos {
			addReportPhoto(b, h, media, insp.ID, item.ID, n, photos[n])
			n++
		}
	}
	if n != len(photos) {
		b.Fatalf("%d photos taken, %d made", n, len(photos))
	}
	if _, err := h.Store.SendInspection(ctx, insp.ID, "Мастер Анна"); err != nil {
		b.Fatal(err)
	}
	h.PushWorkOrder(b, "report-2", "ЗН-ОСМОТР", 2, "Согласование", map[string]any{"lines": lines(true)})
	return plain, h.CustomerPath(b, "ЗН-ОСМОТР")
}

// reportPhoto is a photo as the mechanic's phone uploads it and the
// thumbnail the upload makes of it.
type reportPhoto struct{ data, thumb []byte }

// makeReportPhotos makes the 30 photos once per run: every backend stores
// the same files.
func makeReportPhotos(b *testing.B) []reportPhoto {
	b.Helper()
	total := 0
	for _, it := range reportItems {
		total += it.photos
	}
	out := make([]reportPhoto, total)
	for i := range out {
		out[i].data = benchPhoto(uint64(i + 1))
		thumb, err := hub.MakeThumbnail(out[i].data, "image/jpeg")
		if err != nil || thumb == nil {
			b.Fatalf("thumbnail of photo %d: %v", i+1, err)
		}
		out[i].thumb = thumb
	}
	return out
}

// addReportPhoto stores photo n of an item as the mechanic's upload does:
// the file and its thumbnail in the media store, then the row.
func addReportPhoto(b *testing.B, h *apptest.Hub, media *hub.Media, inspectionID, itemID int64, n int, p reportPhoto) {
	b.Helper()
	m := hub.InspectionMedia{ItemID: itemID, UploadKey: fmt.Sprintf("bench-%d", n), Name: fmt.Sprintf("IMG_%04d.jpg", 4100+n),
		ContentType: "image/jpeg", SizeBytes: int64(len(p.data)), CreatedBy: "Механик Сергей"}
	var err error
	if m.SHA256, err = media.Put(p.data); err != nil {
		b.Fatal(err)
	}
	if m.ThumbSHA256, err = media.Put(p.thumb); err != nil {
		b.Fatal(err)
	}
	if _, err := h.Store.AddInspectionMedia(context.Background(), inspectionID, &m); err != nil {
		b.Fatal(err)
	}
}

// benchPhoto is a 1600×1200 JPEG of about 300 KB, distinct per seed: a
// shaded background with a disc-like shape and sensor noise, which
// compresses about as a phone's photo of a car part does (flat synthetic
// pictures would be a few kilobytes and flatter the figures).
func benchPhoto(seed uint64) []byte {
	const w, h, noise = 1600, 1200, 8
	rnd := rand.New(rand.NewPCG(seed, 20261207))
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	cx, cy, r := float64(400+rnd.IntN(800)), float64(300+rnd.IntN(600)), float64(250+rnd.IntN(250))
	base := 60 + rnd.IntN(80)
	for y := range h {
		for x := range w {
			v := base + x*60/w + y*40/h
			switch d := math.Hypot(float64(x)-cx, float64(y)-cy); {
			case d < r*0.35:
				v -= 40
			case d < r:
				v += 50 + int(20*math.Sin(d/9))
			}
			v += rnd.IntN(2*noise+1) - noise
			img.Y[y*img.YStride+x] = uint8(min(255, max(0, v)))
		}
	}
	for y := range h / 2 {
		for x := range w / 2 {
			i := y*img.CStride + x
			img.Cb[i] = uint8(118 + x*16/(w/2) + rnd.IntN(5))
			img.Cr[i] = uint8(128 + y*14/(h/2) + rnd.IntN(5))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		panic(err) // encoding into memory cannot fail
	}
	return buf.Bytes()
}
