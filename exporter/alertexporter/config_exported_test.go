package alertexporter_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
)

// internalTypes walks t through exported struct fields, pointers, slices,
// arrays and maps, and returns, with the path that reaches it, every named
// type declared in an internal package: a type that a user of the package,
// or its documentation, cannot name.
func internalTypes(t reflect.Type) []string {
	var found []string
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		if t.Name() != "" && strings.Contains(t.PkgPath()+"/", "/internal/") {
			found = append(found, path+": "+t.PkgPath()+"."+t.Name())
		}
		if seen[t] {
			return
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Pointer:
			walk(t.Elem(), path)
		case reflect.Slice, reflect.Array:
			walk(t.Elem(), path+"[]")
		case reflect.Map:
			walk(t.Key(), path+"[key]")
			walk(t.Elem(), path+"[value]")
		case reflect.Struct:
			for i := range t.NumField() {
				// Unexported fields (such as the `_ struct{}` guarding
				// against unkeyed literals) are no part of what a user sets.
				if f := t.Field(i); f.IsExported() {
					walk(f.Type, path+"."+f.Name)
				}
			}
		}
	}
	walk(t, t.Name())
	return found
}

// TestConfigNamesNoInternalTypes keeps every type reachable from the
// exported Config nameable: the configuration types live in the exported
// config package, not in the exporter's internal ones.
func TestConfigNamesNoInternalTypes(t *testing.T) {
	require.Empty(t, internalTypes(reflect.TypeFor[alertexporter.Config]()))
	require.Empty(t, internalTypes(reflect.TypeOf(alertexporter.NewFactory().CreateDefaultConfig())))
}

func TestInternalTypesFindsThem(t *testing.T) {
	type holder struct {
		Direct rules.Rule
		Nested map[string][]*rules.Rule
		Alias  rules.Config // an alias of an exported type: fine
	}
	found := internalTypes(reflect.TypeFor[holder]())
	const rule = "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules.Rule"
	require.Contains(t, found, "holder.Direct: "+rule)
	require.Contains(t, found, "holder.Nested[value][]: "+rule)
	for _, f := range found {
		require.NotContains(t, f, "holder.Alias")
	}
}
