package checkpoint

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// DecodeJSON decodes a JSON checkpoint of format version reads into v (a
// pointer to the schema struct of that version). The body's top-level
// "version" is checked first: a checkpoint of another version, or of none,
// is a *VersionError and v is left alone. The decoding is strict: a field
// the schema does not name, or anything after the object, is an error: a
// version-N writer writes exactly version N's fields, and a body with
// others was written by something else.
func DecodeJSON(data []byte, reads int, v any) error {
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("not a JSON checkpoint: %w", err)
	}
	if head.Version == nil {
		return &VersionError{Reads: reads}
	}
	if *head.Version != reads {
		return &VersionError{Found: *head.Version, Reads: reads}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("version %d checkpoint: %w", reads, err)
	}
	return nil
}
