// Package web serves dutybot's staff console: one page, embedded in the
// binary, where township staff try the bot as villagers see it, browse the
// duty list and read the report of what people ask.
//
// The page is plain HTML, CSS and JavaScript without a framework or a CDN;
// it only talks to the JSON API of package handlers (POST /api/ask,
// GET /api/items, GET /api/items/:ref) and to the admin report
// (GET /api/admin/report). Register mounts it on the engine that serves
// that API:
//
//	e, err := handlers.New(handlers.Options{Bot: b, Extra: func(e *gin.Engine) { web.Register(e) }})
//
// A link to /?q=QUESTION opens the console with that question asked.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

//go:embed static
var static embed.FS

// asset is one embedded file, ready to serve.
type asset struct {
	body  []byte
	ctype string
	etag  string
}

// assets maps a path under static/ ("index.html", "app.js") to its file.
// They are read on the first request, not at start-up: a server that no
// one opens the console of spares the copies, the hashes and the reading
// of the system's MIME tables (a few milliseconds of every start).
var assets = sync.OnceValue(mustLoad)

// mustLoad reads the embedded files once, with their types and ETags.
func mustLoad() map[string]asset {
	m := map[string]asset{}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = http.DetectContentType(b)
		}
		m[strings.TrimPrefix(p, "static/")] = asset{body: b, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	if err != nil {
		panic("web: embedded assets: " + err.Error())
	}
	return m
}

// csp allows the page its own scripts, styles and API only: the data it
// shows never reaches innerHTML, and this is the second line of defence.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Register serves the console on r: the page at / (also with ?q=QUESTION)
// and its assets under /static/. The JSON API it calls is not registered
// here; it comes from handlers.New.
func Register(r gin.IRouter) {
	page := func(c *gin.Context) { serve(c, "index.html") }
	r.GET("/", page)
	r.HEAD("/", page)
	file := func(c *gin.Context) {
		name := strings.TrimPrefix(c.Param("filepath"), "/")
		if name == "index.html" {
			name = "" // the page lives at /, not under /static/
		}
		// A map lookup: no path outside the embedded files can be named.
		serve(c, name)
	}
	r.GET("/static/*filepath", file)
	r.HEAD("/static/*filepath", file)
}

// serve writes one asset with its validator. The assets change only with the
// binary, so browsers revalidate (no-cache) and get 304 while it is the same.
func serve(c *gin.Context, name string) {
	a, ok := assets()[name]
	if !ok {
		c.JSON(http.StatusNotFound, gin.H{"error": "not found"})
		return
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", a.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if name == "index.html" {
		h.Set("Content-Security-Policy", csp)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
	}
	h.Set("Content-Type", a.ctype)
	http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(a.body))
}
