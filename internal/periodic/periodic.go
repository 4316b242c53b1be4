// Package periodic runs a component's background work on two clocks: a
// frequent tick (close by wall clock, retry) and an optional checkpoint.
package periodic // import "github.com/otelcol-chaos/otelcol-chaos/internal/periodic"

import (
	"context"
	"sync"
	"time"
)

// Start runs tick every tickEvery and, when save is not nil, save every
// saveEvery, in one goroutine, until stop is closed; wg tracks it.
// A save error goes to onSaveError.
func Start(wg *sync.WaitGroup, stop <-chan struct{}, tickEvery time.Duration, tick func(context.Context),
	saveEvery time.Duration, save func(context.Context) error, onSaveError func(error)) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(tickEvery)
		defer t.Stop()
		var saveC <-chan time.Time
		if save != nil {
			s := time.NewTicker(saveEvery)
			defer s.Stop()
			saveC = s.C
		}
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				tick(context.Background())
			case <-saveC:
				if err := save(context.Background()); err != nil && onSaveError != nil {
					onSaveError(err)
				}
			}
		}
	}()
}
