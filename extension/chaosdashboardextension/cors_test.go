package chaosdashboardextension

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
)

// TestStreamOriginsFollowCORS: a page served from an origin the server's
// CORS settings allow may open the stream; another origin may not (a
// WebSocket is not covered by CORS, so the hub checks the Origin itself).
func TestStreamOriginsFollowCORS(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.CORS = configoptional.Some(confighttp.CORSConfig{AllowedOrigins: []string{"https://grafana.example.com"}})
	d := startDashboard(t, cfg, nil)
	url := "ws://" + d.server.Addr().String() + streamPath
	for origin, ok := range map[string]bool{
		"https://grafana.example.com":        true,
		"https://evil.example.com":           false,
		"http://" + d.server.Addr().String(): true, // the page's own origin
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		conn, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {origin}}})
		cancel()
		if ok {
			require.NoError(t, err, origin)
			require.NoError(t, conn.Close(websocket.StatusNormalClosure, ""))
			continue
		}
		require.Error(t, err, origin)
		require.Equal(t, http.StatusForbidden, resp.StatusCode, origin)
	}
}
