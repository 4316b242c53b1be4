package chaosconv

import "slices"

// sortedKeys returns a map's keys in order: wherever a map's content is
// encoded or bounded, its order must not depend on Go's map iteration.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
