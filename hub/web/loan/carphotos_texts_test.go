package loan

import (
	"strings"
	"testing"

	"naryad/hub"
)

// Every set and kind of the car's photos has its words, and every car
// photo word is named car_…, so none shadows one of the page's own.
func TestCarPhotoTexts(t *testing.T) {
	for _, kind := range hub.CarPhotoKinds() {
		for _, key := range []string{"car_" + kind, "car_" + kind + "_hint"} {
			if texts["en"][key] == "" {
				t.Errorf("no text %q", key)
			}
		}
	}
	for _, set := range hub.CarPhotoSets() {
		if texts["en"]["car_at_"+set] == "" {
			t.Errorf("no text car_at_%s", set)
		}
	}
	for locale, words := range carPhotoTexts {
		for key := range words {
			if !strings.HasPrefix(key, "car_") {
				t.Errorf("%s: car photo text %q lacks the car_ prefix", locale, key)
			}
		}
	}
}
