package checkpointtest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/extension/xextension/storage"
)

func TestMemClient(t *testing.T) {
	ctx := context.Background()
	body := []byte("v1")
	c := NewMemClient(map[string][]byte{"cp": body, "none": nil})
	body[0] = 'x' // the client holds a copy
	require.Equal(t, map[string][]byte{"cp": []byte("v1")}, c.Entries(), "a nil value is no entry")

	got, err := c.Get(ctx, "cp")
	require.NoError(t, err)
	require.Equal(t, []byte("v1"), got)
	got[0] = 'x' // and hands out copies
	got, err = c.Get(ctx, "missing")
	require.NoError(t, err)
	require.Nil(t, got, "no value, no error, as a storage extension")

	require.NoError(t, c.Set(ctx, "cp", []byte("v2")))
	require.NoError(t, c.Set(ctx, "other", []byte("o")))
	require.NoError(t, c.Delete(ctx, "other"))
	require.Equal(t, map[string][]byte{"cp": []byte("v2")}, c.Entries())

	get := storage.GetOperation("cp")
	require.NoError(t, c.Batch(ctx, storage.SetOperation("a", []byte("1")), get, storage.DeleteOperation("cp"),
		storage.GetOperation("cp")))
	require.Equal(t, []byte("v2"), get.Value)
	require.Equal(t, map[string][]byte{"a": []byte("1")}, c.Entries())
	require.Error(t, c.Batch(ctx, storage.DeleteOperation("a"), &storage.Operation{Key: "a", Type: storage.OpType(9)}))
	require.Equal(t, map[string][]byte{"a": []byte("1")}, c.Entries(), "a batch with an unknown operation does nothing")

	require.False(t, c.Closed())
	require.NoError(t, c.Close(ctx))
	require.True(t, c.Closed())
	_, err = c.Get(ctx, "a")
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, c.Set(ctx, "a", nil), ErrClosed)
	require.ErrorIs(t, c.Delete(ctx, "a"), ErrClosed)
	require.ErrorIs(t, c.Batch(ctx), ErrClosed)
	require.Equal(t, map[string][]byte{"a": []byte("1")}, c.Entries(), "still readable after Close")
}

// Run with -race: concurrent calls are safe.
func TestMemClientConcurrent(t *testing.T) {
	ctx := context.Background()
	c := NewMemClient(nil)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			key := fmt.Sprint("k", i)
			for j := range 100 {
				assert.NoError(t, c.Set(ctx, key, []byte{byte(j)}))
				_, err := c.Get(ctx, key)
				assert.NoError(t, err)
				assert.NoError(t, c.Batch(ctx, storage.GetOperation("k0"), storage.SetOperation("shared", []byte{byte(i)})))
			}
		})
	}
	wg.Wait()
	require.Len(t, c.Entries(), 9)
}
