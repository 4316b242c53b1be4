package periodic

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestTicksSavesAndStops(t *testing.T) {
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var ticks, saves, failures atomic.Int64
	Start(&wg, stop, 5*time.Millisecond, func(context.Context) { ticks.Add(1) },
		7*time.Millisecond, func(context.Context) error { saves.Add(1); return errors.New("disk full") },
		func(error) { failures.Add(1) })
	require.Eventually(t, func() bool { return ticks.Load() >= 3 && saves.Load() >= 2 }, 5*time.Second, time.Millisecond)
	close(stop)
	wg.Wait()
	require.Equal(t, saves.Load(), failures.Load(), "every save error is reported")
}

func TestWithoutSave(t *testing.T) {
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var ticks atomic.Int64
	Start(&wg, stop, time.Millisecond, func(context.Context) { ticks.Add(1) }, 0, nil, nil)
	require.Eventually(t, func() bool { return ticks.Load() > 0 }, 5*time.Second, time.Millisecond)
	close(stop)
	wg.Wait()
}
