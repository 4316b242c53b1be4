package checkpoint

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestRefusedSaysWhatItFoundAndReads(t *testing.T) {
	for err, want := range map[error]string{
		&VersionError{Found: 3, Reads: 2}: "x: checkpoint not restored, starting fresh: it is format version 3, this collector reads version 2",
		&VersionError{Reads: 2}:           "x: checkpoint not restored, starting fresh: it declares no format version, this collector reads version 2",
		errors.New("garbled"):             "x: checkpoint not restored, starting fresh: it cannot be read as format version 2, this collector reads version 2",
	} {
		core, logs := observer.New(zapcore.InfoLevel)
		Refused(zap.New(core), "x", 2, err)
		require.Equal(t, 1, logs.Len())
		require.Equal(t, want, logs.All()[0].Message)
		require.Equal(t, zapcore.WarnLevel, logs.All()[0].Level)
	}
}

func TestDecodeJSON(t *testing.T) {
	type v2 struct {
		Version int `json:"version"`
		A       int `json:"a"`
	}
	var got v2
	require.NoError(t, DecodeJSON([]byte(`{"version":2,"a":7}`), 2, &got))
	require.Equal(t, v2{Version: 2, A: 7}, got)

	var ve *VersionError
	require.ErrorAs(t, DecodeJSON([]byte(`{"version":3,"b":1}`), 2, &got), &ve)
	require.Equal(t, VersionError{Found: 3, Reads: 2}, *ve)
	require.ErrorAs(t, DecodeJSON([]byte(`{"a":1}`), 2, &got), &ve)
	require.Equal(t, VersionError{Reads: 2}, *ve)
	require.ErrorContains(t, DecodeJSON([]byte(`{"version":2,"A2":1}`), 2, &got), `unknown field "A2"`)
	require.ErrorContains(t, DecodeJSON([]byte("\x00gob"), 2, &got), "not a JSON checkpoint")
	require.ErrorContains(t, DecodeJSON([]byte(`{"version":2}{}`), 2, &got), "not a JSON checkpoint")
}
