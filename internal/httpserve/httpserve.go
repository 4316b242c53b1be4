// Package httpserve starts and stops the HTTP servers of the components
// (the chaos receiver's events endpoint, the coordinator's status endpoint,
// the alert exporter's API) the same way: a confighttp listener and server,
// serving in one goroutine that Shutdown waits for, a serve failure after
// start reported as a fatal component status.
package httpserve // import "github.com/otelcol-chaos/otelcol-chaos/internal/httpserve"

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/config/confighttp"
)

// Server is a started HTTP server. The zero value, and a nil *Server, are a
// server that was never started: Addr is nil and Shutdown does nothing.
type Server struct {
	server *http.Server
	addr   net.Addr
	wg     sync.WaitGroup
}

// Start listens on cfg's endpoint and serves handler through confighttp
// (auth, compression, CORS, limits, the collector's HTTP telemetry) until
// Shutdown. opts are passed to confighttp's ToServer.
func Start(ctx context.Context, cfg *confighttp.ServerConfig, host component.Host, set component.TelemetrySettings,
	handler http.Handler, opts ...confighttp.ToServerOption) (*Server, error) {
	ln, err := cfg.ToListener(ctx)
	if err != nil {
		return nil, err
	}
	server, err := cfg.ToServer(ctx, host.GetExtensions(), set, handler, opts...)
	if err != nil {
		return nil, errors.Join(err, ln.Close())
	}
	s := &Server{server: server, addr: ln.Addr()}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			componentstatus.ReportStatus(host, componentstatus.NewFatalErrorEvent(err))
		}
	}()
	return s, nil
}

// Addr is the address the server listens on (the bound port when the
// endpoint asked for port 0).
func (s *Server) Addr() net.Addr {
	if s == nil {
		return nil
	}
	return s.addr
}

// Shutdown stops accepting connections, lets requests in flight finish
// (bounded by ctx) and waits for the serving goroutine.
func (s *Server) Shutdown(ctx context.Context) error {
	if s == nil || s.server == nil {
		return nil
	}
	err := s.server.Shutdown(ctx)
	s.wg.Wait()
	return err
}
