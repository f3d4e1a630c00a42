package webtest

import (
	"context"
	"math"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// DrawSignature signs on the canvas at selector as a person would: it
// scrolls the canvas into view and draws a finger's stroke, a mouse's and
// a pen's, each dispatched as the browser's own input, so the page sees
// them as pointer events of those three types.
func (p *Tab) DrawSignature(selector string) {
	p.T.Helper()
	p.Do("scroll to "+selector, chromedp.ScrollIntoView(selector))
	box := Must[map[string]float64](p, `(() => { const r = document.querySelector(`+JS(selector)+`).getBoundingClientRect();
		return {x: r.x, y: r.y, w: r.width, h: r.height}; })()`)
	x0, y0, w, h := box["x"], box["y"], box["w"], box["h"]
	// A wave across the first half, a loop, and a stroke under it.
	path := func(from, to float64, wave func(f float64) float64) [][2]float64 {
		var pts [][2]float64
		for i := 0; i <= 24; i++ {
			f := from + (to-from)*float64(i)/24
			pts = append(pts, [2]float64{x0 + w*f, y0 + h*wave(f)})
		}
		return pts
	}
	finger := path(0.08, 0.5, func(f float64) float64 { return 0.5 + 0.25*math.Sin(f*20) })
	mouse := path(0.5, 0.9, func(f float64) float64 { return 0.45 + 0.2*math.Cos(f*14) })
	pen := path(0.15, 0.85, func(f float64) float64 { return 0.82 })
	p.Do("draw with a finger", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for i, pt := range finger {
			kind := input.DispatchTouchEventTypeTouchMove
			if i == 0 {
				kind = input.DispatchTouchEventTypeTouchStart
			}
			if _, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: kind,
				TouchPoints: []*input.TouchPoint{{X: pt[0], Y: pt[1]}}}); err != nil {
				return err
			}
		}
		_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}})
		return err
	}))
	for _, stroke := range []struct {
		what   string
		kind   input.DispatchMouseEventPointerType
		points [][2]float64
	}{{"draw with a mouse", input.DispatchMouseEventPointerTypeMouse, mouse}, {"draw with a pen", input.DispatchMouseEventPointerTypePen, pen}} {
		p.Do(stroke.what, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			last := len(stroke.points) - 1
			for i, pt := range stroke.points {
				ev := input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: pt[0], Y: pt[1],
					Button: input.MouseButtonLeft, Buttons: 1, PointerType: stroke.kind}
				if i == 0 {
					ev.Type, ev.ClickCount = input.DispatchMouseEventTypeMousePressed, 1
				}
				if _, err := cdp.Call(ctx, tg, input.DispatchMouseEvent, ev); err != nil {
					return err
				}
				if i == last {
					ev.Type, ev.Buttons, ev.ClickCount = input.DispatchMouseEventTypeMouseReleased, 0, 1
					if _, err := cdp.Call(ctx, tg, input.DispatchMouseEvent, ev); err != nil {
						return err
					}
				}
			}
			return nil
		}))
	}
}
