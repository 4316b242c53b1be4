package dashboard

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type publisher struct {
	component.StartFunc
	component.ShutdownFunc
	name string
}

func (*publisher) PublishRecords(plog.Logs)           {}
func (*publisher) PublishScenario(ScenarioTransition) {}
func (*publisher) PublishAlert(AlertTransition)       {}

type other struct {
	component.StartFunc
	component.ShutdownFunc
}

func TestFind(t *testing.T) {
	typ := component.MustNewType("chaos_dashboard")
	a, b := &publisher{name: "a"}, &publisher{name: "b"}
	idA, idB, idO := component.NewIDWithName(typ, "a"), component.NewIDWithName(typ, "b"), component.MustNewID("other")
	tests := []struct {
		name   string
		exts   map[component.ID]component.Component
		id     *component.ID
		want   Publisher
		wantOK bool
	}{
		{"none", map[component.ID]component.Component{idO: other{}}, nil, nil, false},
		{"the only one", map[component.ID]component.Component{idA: a, idO: other{}}, nil, a, true},
		{"several, none named", map[component.ID]component.Component{idA: a, idB: b}, nil, nil, false},
		{"several, one named", map[component.ID]component.Component{idA: a, idB: b}, &idB, b, true},
		{"named but not a publisher", map[component.ID]component.Component{idO: other{}}, &idO, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Find(tt.exts, tt.id)
			require.Equal(t, tt.wantOK, ok)
			if tt.want == nil {
				require.Nil(t, got)
			} else {
				require.Same(t, tt.want, got)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	typ := component.MustNewType("chaos_dashboard")
	a, b := &publisher{name: "a"}, &publisher{name: "b"}
	idA, idB, idO := component.NewIDWithName(typ, "a"), component.NewIDWithName(typ, "b"), component.MustNewID("other")
	missing := component.NewIDWithName(typ, "missing")
	tests := []struct {
		name    string
		exts    map[component.ID]component.Component
		id      *component.ID
		want    Publisher
		wantErr error
		errText string
	}{
		{name: "none", exts: map[component.ID]component.Component{idO: other{}}},
		{name: "no extensions at all", exts: nil},
		{name: "the only one", exts: map[component.ID]component.Component{idA: a, idO: other{}}, want: a},
		{name: "several, none named", exts: map[component.ID]component.Component{idA: a, idB: b}, wantErr: ErrAmbiguous},
		{name: "several, one named", exts: map[component.ID]component.Component{idA: a, idB: b}, id: &idB, want: b},
		{name: "named but missing", exts: map[component.ID]component.Component{idA: a}, id: &missing,
			wantErr: ErrNotFound, errText: `dashboard "chaos_dashboard/missing"`},
		{name: "named but not a publisher", exts: map[component.ID]component.Component{idO: other{}}, id: &idO,
			wantErr: ErrNotFound, errText: `dashboard "other"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Lookup(tt.exts, tt.id)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.ErrorContains(t, err, tt.errText)
				require.Nil(t, got)
				return
			}
			require.NoError(t, err)
			if tt.want == nil {
				require.Nil(t, got)
			} else {
				require.Same(t, tt.want, got)
			}
		})
	}
}
