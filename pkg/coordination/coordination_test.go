package coordination_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"

	"github.com/otelcol-chaos/otelcol-chaos/pkg/coordination"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/coordination/coordinatortest"
)

func TestFind(t *testing.T) {
	typ := component.MustNewType("coordinator")
	a, b := coordinatortest.New("a"), coordinatortest.New("b")
	idA, idB := component.NewIDWithName(typ, "a"), component.NewIDWithName(typ, "b")
	other := component.MustNewID("other")
	notCoordinator := nopComponent{}

	tests := []struct {
		name   string
		exts   map[component.ID]component.Component
		id     *component.ID
		want   coordination.Coordinator
		wantOK bool
	}{
		{"none", map[component.ID]component.Component{}, nil, nil, false},
		{"the only one", map[component.ID]component.Component{idA: a}, nil, a, true},
		{"several, none named", map[component.ID]component.Component{idA: a, idB: b}, nil, nil, false},
		{"several, one named", map[component.ID]component.Component{idA: a, idB: b}, &idB, b, true},
		{"named but absent", map[component.ID]component.Component{idA: a}, &idB, nil, false},
		{"named but not a coordinator", map[component.ID]component.Component{other: notCoordinator}, &other, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := coordination.Find(tt.exts, tt.id)
			require.Equal(t, tt.wantOK, ok)
			if tt.want == nil {
				require.Nil(t, got)
			} else {
				require.Same(t, tt.want, got)
			}
		})
	}
}

// nopComponent is an extension that is not a coordinator.
type nopComponent struct {
	component.StartFunc
	component.ShutdownFunc
}
