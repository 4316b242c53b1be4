// Package web serves the chaos_dashboard page: one HTML document, its script
// and its style sheet, embedded in the binary. The page loads nothing from
// anywhere but the collector that served it: its state from the JSON API
// (/api/v1/...) and its live updates from the WebSocket /api/v1/stream, both
// on the same origin, which the Content-Security-Policy enforces.
package web // import "github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/web"

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"
)

//go:embed assets
var embedded embed.FS

// contentTypes maps the extensions of the embedded files to their types.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

// asset is one embedded file, ready to serve.
type asset struct {
	name        string // base name, for http.ServeContent
	contentType string
	body        []byte
	etag        string // strong, quoted: a hash of body
}

// assets are the embedded files by URL path; "/" is the page.
var assets = mustLoad()

func mustLoad() map[string]asset {
	out := map[string]asset{}
	err := fs.WalkDir(embedded, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := embedded.ReadFile(p)
		if err != nil {
			return err
		}
		ct, ok := contentTypes[path.Ext(p)]
		if !ok {
			return nil // not served
		}
		sum := sha256.Sum256(body)
		a := asset{name: path.Base(p), contentType: ct, body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		out["/"+strings.TrimPrefix(p, "assets/")] = a
		return nil
	})
	if err != nil {
		panic("web: embedded assets: " + err.Error())
	}
	out["/"] = out["/index.html"]
	return out
}

// Paths returns the URL paths served, "/" included.
func Paths() []string {
	out := make([]string, 0, len(assets))
	for p := range assets {
		out = append(out, p)
	}
	return out
}

// validHost is what a Host header may hold to be named in the policy
// (a name or address and a port); anything else gets 'self' only.
var validHost = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$`)

// contentSecurityPolicy allows the page's own script, style sheet and API
// (and its WebSocket on the same host) and nothing else: no inline script or
// style, no other origin, no framing.
func contentSecurityPolicy(host string) string {
	connect := "'self'"
	if len(host) <= 261 && validHost.MatchString(host) {
		// 'self' covers ws: and wss: on the same host in CSP level 3;
		// named for browsers that predate it.
		connect += " ws://" + host + " wss://" + host
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src " + connect + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// Handler serves the page at "/" and its assets ("/app.js", "/style.css")
// to GET and HEAD. Every answer carries an ETag and Cache-Control: no-cache,
// so a browser revalidates (304) and never runs a page older than the
// binary. Unknown paths answer 404 and other methods 405, with the JSON API's
// error shape.
func Handler() http.Handler {
	return http.HandlerFunc(serve)
}

func serve(w http.ResponseWriter, r *http.Request) {
	a, ok := assets[r.URL.Path]
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "no such page or asset: "+r.URL.Path)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed; use GET")
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Content-Security-Policy", contentSecurityPolicy(r.Host))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", a.etag)
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(a.body))
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "message": msg})
}
