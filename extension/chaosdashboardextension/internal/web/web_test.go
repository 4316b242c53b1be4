package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// serveOnce runs the handler on one request.
func serveOnce(method, target string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	Handler().ServeHTTP(w, r)
	return w
}

func embeddedFile(t *testing.T, urlPath string) []byte {
	t.Helper()
	name := strings.TrimPrefix(urlPath, "/")
	if name == "" {
		name = "index.html"
	}
	b, err := embedded.ReadFile("assets/" + name)
	require.NoError(t, err)
	return b
}

func TestPathsAreThePageAndItsAssets(t *testing.T) {
	got := Paths()
	slices.Sort(got)
	assert.Equal(t, []string{"/", "/app.js", "/index.html", "/style.css"}, got)
}

func TestEveryAssetIsServedWithItsHeaders(t *testing.T) {
	wantType := map[string]string{
		"/": "text/html; charset=utf-8", "/index.html": "text/html; charset=utf-8",
		"/app.js": "text/javascript; charset=utf-8", "/style.css": "text/css; charset=utf-8",
	}
	etagFormat := regexp.MustCompile(`^"[0-9a-f]{24}"$`)
	for _, p := range Paths() {
		t.Run(p, func(t *testing.T) {
			w := serveOnce(http.MethodGet, p, nil)
			require.Equal(t, http.StatusOK, w.Code)
			h := w.Header()
			assert.Equal(t, wantType[p], h.Get("Content-Type"))
			assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
			assert.Equal(t, "no-cache", h.Get("Cache-Control"))
			assert.Equal(t, "DENY", h.Get("X-Frame-Options"))
			assert.Equal(t, "no-referrer", h.Get("Referrer-Policy"))
			assert.Regexp(t, etagFormat, h.Get("ETag"))

			csp := h.Get("Content-Security-Policy")
			for _, d := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'",
				"connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
				assert.Contains(t, csp, d)
			}
			assert.NotContains(t, csp, "unsafe-inline")
			assert.NotContains(t, csp, "unsafe-eval")

			assert.Equal(t, embeddedFile(t, p), w.Body.Bytes())
		})
	}
	// The page under both of its paths is the same document.
	assert.Equal(t, serveOnce(http.MethodGet, "/", nil).Header().Get("ETag"),
		serveOnce(http.MethodGet, "/index.html", nil).Header().Get("ETag"))
}

func TestETagsDifferBetweenAssets(t *testing.T) {
	seen := map[string]string{}
	for _, p := range []string{"/", "/app.js", "/style.css"} {
		etag := serveOnce(http.MethodGet, p, nil).Header().Get("ETag")
		if other, ok := seen[etag]; ok {
			t.Errorf("%s and %s share the ETag %s", p, other, etag)
		}
		seen[etag] = p
	}
}

func TestIfNoneMatch(t *testing.T) {
	for _, p := range Paths() {
		etag := serveOnce(http.MethodGet, p, nil).Header().Get("ETag")
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			w := serveOnce(http.MethodGet, p, http.Header{"If-None-Match": {inm}})
			assert.Equal(t, http.StatusNotModified, w.Code, "%s with If-None-Match %s", p, inm)
			assert.Empty(t, w.Body.Bytes(), p)
			assert.Equal(t, etag, w.Header().Get("ETag"), p)
		}
		w := serveOnce(http.MethodGet, p, http.Header{"If-None-Match": {`"stale"`}})
		assert.Equal(t, http.StatusOK, w.Code, "%s with a stale ETag", p)
		assert.Equal(t, embeddedFile(t, p), w.Body.Bytes())
	}
}

func TestHead(t *testing.T) {
	for _, p := range Paths() {
		w := serveOnce(http.MethodHead, p, nil)
		require.Equal(t, http.StatusOK, w.Code, p)
		assert.Empty(t, w.Body.Bytes(), p)
		assert.Equal(t, strconv.Itoa(len(embeddedFile(t, p))), w.Header().Get("Content-Length"), p)
		assert.NotEmpty(t, w.Header().Get("ETag"), p)
		assert.NotEmpty(t, w.Header().Get("Content-Security-Policy"), p)
	}
}

// apiError is the JSON API's error shape (PROTOCOL.md).
type apiError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

func decodeError(t *testing.T, w *httptest.ResponseRecorder) apiError {
	t.Helper()
	assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
	assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
	var e apiError
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e), w.Body.String())
	return e
}

func TestUnknownPathsAre404JSON(t *testing.T) {
	for _, p := range []string{"/nope", "/assets/app.js", "/app.js/", "/index.htm", "/api/v1/stats", "/favicon.ico"} {
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			w := serveOnce(m, p, nil)
			assert.Equal(t, http.StatusNotFound, w.Code, "%s %s", m, p)
			e := decodeError(t, w)
			assert.Equal(t, "not_found", e.Error, p)
			assert.Contains(t, e.Message, p)
		}
	}
}

func TestOtherMethodsAre405WithAllow(t *testing.T) {
	for _, p := range Paths() {
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
			w := serveOnce(m, p, nil)
			assert.Equal(t, http.StatusMethodNotAllowed, w.Code, "%s %s", m, p)
			assert.Equal(t, "GET, HEAD", w.Header().Get("Allow"), "%s %s", m, p)
			assert.Equal(t, "method_not_allowed", decodeError(t, w).Error, "%s %s", m, p)
		}
	}
}

func TestPolicyNamesTheWebSocketOfAValidHostOnly(t *testing.T) {
	for host, want := range map[string]string{
		"collector:13133": "connect-src 'self' ws://collector:13133 wss://collector:13133;",
		"127.0.0.1":       "connect-src 'self' ws://127.0.0.1 wss://127.0.0.1;",
		"[::1]:8080":      "connect-src 'self' ws://[::1]:8080 wss://[::1]:8080;",
		// A Host that could smuggle a directive gets 'self' alone.
		"evil.example;script-src *": "connect-src 'self';",
		"a b":                       "connect-src 'self';",
		strings.Repeat("a", 300):    "connect-src 'self';",
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Host = host
		w := httptest.NewRecorder()
		Handler().ServeHTTP(w, r)
		csp := w.Header().Get("Content-Security-Policy")
		assert.Contains(t, csp, want, "Host %q", host)
		assert.Equal(t, 1, strings.Count(csp, "script-src"), "Host %q: %s", host, csp)
	}
}

// page is what the tests read of index.html.
type page struct {
	ids  map[string]bool
	refs []string // every URL-valued attribute
}

// urlAttrs are the attributes whose value a browser fetches or navigates to.
var urlAttrs = map[string]bool{"src": true, "href": true, "action": true, "formaction": true,
	"poster": true, "data": true, "srcset": true, "manifest": true, "background": true, "xlink:href": true}

func parsePage(t *testing.T) page {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(embeddedFile(t, "/index.html")))
	require.NoError(t, err)
	p := page{ids: map[string]bool{}}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case key == "id":
					assert.False(t, p.ids[a.Val], "duplicate id %q", a.Val)
					p.ids[a.Val] = true
				case urlAttrs[key]:
					p.refs = append(p.refs, a.Val)
				case key == "style":
					t.Errorf("<%s style=…>: the policy forbids inline style", n.Data)
				case strings.HasPrefix(key, "on"):
					t.Errorf("<%s %s=…>: the policy forbids inline handlers", n.Data, key)
				}
			}
			switch n.Data {
			case "script":
				if n.FirstChild != nil && strings.TrimSpace(n.FirstChild.Data) != "" {
					t.Error("inline <script>: the policy forbids it")
				}
			case "style":
				t.Error("<style> element: the policy forbids inline style")
			case "iframe", "object", "embed", "base":
				t.Errorf("<%s>: not expected in the page", n.Data)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return p
}

func TestPageReferencesOnlyItsOwnAssets(t *testing.T) {
	p := parsePage(t)
	served := map[string]bool{}
	for _, s := range Paths() {
		served[s] = true
	}
	base, err := url.Parse("http://collector.invalid/")
	require.NoError(t, err)
	var got []string
	for _, ref := range p.refs {
		if ref == "data:," {
			continue // the empty icon, which spares the browser a request for /favicon.ico
		}
		u, err := url.Parse(ref)
		if !assert.NoError(t, err, ref) {
			continue
		}
		assert.Empty(t, u.Scheme, "%q names a scheme: everything comes from the collector", ref)
		assert.Empty(t, u.Host, "%q names another host", ref)
		assert.False(t, strings.HasPrefix(ref, "//"), "%q is protocol-relative", ref)
		resolved := base.ResolveReference(u)
		assert.True(t, served[resolved.Path], "%q resolves to %s, which is not served", ref, resolved.Path)
		got = append(got, path.Base(resolved.Path))
	}
	slices.Sort(got)
	assert.Equal(t, []string{"app.js", "style.css"}, got, "the page loads its script and style sheet, once each")
}

// TestScriptFindsItsElements checks that every element app.js looks up by id
// exists in index.html: a renamed id would otherwise fail only in a browser.
func TestScriptFindsItsElements(t *testing.T) {
	p := parsePage(t)
	js := string(embeddedFile(t, "/app.js"))
	lookups := regexp.MustCompile(`(?:\$|setText|fillTable)\('([^']+)'`).FindAllStringSubmatch(js, -1)
	require.NotEmpty(t, lookups)
	for _, m := range lookups {
		assert.True(t, p.ids[m[1]], "app.js uses #%s, which index.html lacks", m[1])
	}
	// The ids the tests and the browser test read.
	for _, id := range []string{"connection", "charts", "chart-events", "chart-latency", "chart-impact",
		"anomalies", "alerts", "alert-history", "messages", "fleet", "health"} {
		assert.True(t, p.ids[id], "index.html lacks #%s", id)
	}
}

// TestScriptBuildsNoMarkupFromData guards the rule that data, which comes
// from users' services, only ever reaches the page as text.
func TestScriptBuildsNoMarkupFromData(t *testing.T) {
	js := string(embeddedFile(t, "/app.js"))
	for _, banned := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
		"eval(", "new Function", "setAttribute('style'", ".style.", "createContextualFragment", "DOMParser"} {
		assert.NotContains(t, js, banned)
	}
	// The only absolute URL is the SVG namespace; the API and the stream
	// are addressed relative to the page.
	for _, u := range regexp.MustCompile(`[a-z]+://[^\s'"`+"`"+`]*`).FindAllString(js, -1) {
		assert.Equal(t, "http://www.w3.org/2000/svg", u)
	}
	assert.Contains(t, js, "new URL('api/v1/stream', document.baseURI)")
}
