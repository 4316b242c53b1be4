package httpserve

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func loopbackConfig(endpoint string) *confighttp.ServerConfig {
	cfg := confighttp.NewDefaultServerConfig()
	cfg.NetAddr.Endpoint = endpoint
	return &cfg
}

func TestServesUntilShutdown(t *testing.T) {
	ctx := context.Background()
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "served") })
	s, err := Start(ctx, loopbackConfig("127.0.0.1:0"), componenttest.NewNopHost(), componenttest.NewNopTelemetrySettings(), handler)
	require.NoError(t, err)
	addr := s.Addr().String()
	require.NotContains(t, addr, ":0", "the bound port, not the one asked for")

	resp, err := http.Get("http://" + addr + "/any")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, "served", string(body))

	require.NoError(t, s.Shutdown(ctx))
	_, err = net.Dial("tcp", addr)
	require.Error(t, err, "nothing listens after Shutdown")
}

func TestStartFailsWhenThePortIsTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	_, err = Start(context.Background(), loopbackConfig(ln.Addr().String()), componenttest.NewNopHost(),
		componenttest.NewNopTelemetrySettings(), http.NotFoundHandler())
	require.ErrorContains(t, err, "address already in use")
}

func TestNeverStartedServerShutsDown(t *testing.T) {
	var s *Server
	require.Nil(t, s.Addr())
	require.NoError(t, s.Shutdown(context.Background()))
}
