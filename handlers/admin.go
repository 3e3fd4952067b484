package handlers

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/http/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Admin configures the admin API under /api/admin, behind a bearer token.
// Without Token its routes do not exist (404).
type Admin struct {
	Token string
	// Report returns the question log's report of [since, until), for
	// GET /api/admin/report?since=7d (read by ParseSince).
	Report func(ctx context.Context, since, until time.Time) (any, error)
	// Reload re-reads the documents, for POST /api/admin/reload. Its error
	// (documents with problems, the old set still serving) is a 422 that
	// shows it.
	Reload func() error
}

// errUnauthorized is a missing or wrong admin token.
var errUnauthorized = &Error{Code: http.StatusUnauthorized, Msg: "unauthorized"}

// adminRoutes adds the admin API when a token is configured.
func (s *server) adminRoutes(e *gin.Engine) {
	if s.o.Admin.Token == "" {
		return
	}
	g := e.Group("/api/admin", s.adminAuth, adminDeadline)
	g.GET("/report", s.route("admin", s.adminReport)...)
	g.POST("/reload", s.route("admin", s.adminReload)...)
	// Go's profiler, for an operator chasing a slow or growing server.
	g.GET("/debug/pprof/*name", s.route("admin", func(c *gin.Context) error {
		switch name := strings.TrimPrefix(c.Param("name"), "/"); name {
		case "", "index":
			pprof.Index(c.Writer, c.Request)
		case "profile":
			pprof.Profile(c.Writer, c.Request)
		case "trace":
			pprof.Trace(c.Writer, c.Request)
		case "cmdline", "symbol":
			return errNotFound
		default:
			pprof.Handler(name).ServeHTTP(c.Writer, c.Request)
		}
		return nil
	})...)
}

// adminDeadline gives an admin request more time to write its answer than
// the server's WriteTimeout allows a citizen's: a reload under load, a
// report over months or a CPU profile take longer.
func adminDeadline(c *gin.Context) {
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(5 * time.Minute))
	c.Next()
}

// adminAuth lets only requests with the admin token through.
func (s *server) adminAuth(c *gin.Context) {
	if !s.isAdmin(c) {
		c.Header("WWW-Authenticate", `Bearer realm="dutybot admin"`)
		s.fail(c, errUnauthorized)
		return
	}
	c.Next()
}

// isAdmin reports whether c carries Authorization: Bearer <admin token>,
// compared in constant time; never without a configured token.
func (s *server) isAdmin(c *gin.Context) bool {
	scheme, tok, ok := strings.Cut(c.GetHeader("Authorization"), " ")
	want := sha256.Sum256([]byte(s.o.Admin.Token))
	got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	return s.o.Admin.Token != "" && ok && strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare(want[:], got[:]) == 1
}

// adminReport serves the report of `dutybot report`; ?since=7d as there.
func (s *server) adminReport(c *gin.Context) error {
	if s.o.Admin.Report == nil {
		return errNotFound
	}
	now := time.Now()
	since, err := ParseSince(c.DefaultQuery("since", "7d"), now)
	if err != nil {
		return badRequest("since: "+err.Error(), err)
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 30*time.Second)
	defer cancel()
	rep, err := s.o.Admin.Report(ctx, since, now)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, rep)
	return nil
}

// adminReload is POST /api/admin/reload: 200 with what is loaded, or 422
// with the problems (file:line) while the old set keeps serving.
func (s *server) adminReload(c *gin.Context) error {
	if s.o.Admin.Reload == nil {
		return errNotFound
	}
	if err := s.o.Admin.Reload(); err != nil {
		return &Error{Code: http.StatusUnprocessableEntity, Msg: err.Error(), Err: err}
	}
	type township struct {
		Township string `json:"township"`
		Items    int    `json:"items"`
	}
	out := struct {
		Status    string     `json:"status"`
		Townships []township `json:"townships"`
	}{Status: "reloaded"}
	for _, t := range s.o.Bot.Library().Townships {
		out.Townships = append(out.Townships, township{t.Name, len(t.Items)})
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// ParseSince reads the start of a report's period, as GET
// /api/admin/report?since= and `dutybot report -since` take it: a period
// back from now (7d, 2w, 24h, 90m, 1h30m) or a date (2006-01-02, from its
// midnight in the local zone).
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation(time.DateOnly, s, time.Local); err == nil {
		if !t.Before(now) {
			return time.Time{}, fmt.Errorf("%s is not in the past", s)
		}
		return t, nil
	}
	var d time.Duration
	if n, unit, ok := cutNumber(s); ok && (unit == "d" || unit == "w") {
		day := 24 * time.Hour
		if unit == "w" {
			day *= 7
		}
		d = time.Duration(n) * day
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return time.Time{}, fmt.Errorf("%q is not a period (7d, 24h, 30m) or a date (2006-01-02)", s)
		}
	}
	if d <= 0 {
		return time.Time{}, fmt.Errorf("%q must be more than zero", s)
	}
	return now.Add(-d), nil
}

// cutNumber splits "7d" into 7 and "d".
func cutNumber(s string) (int, string, bool) {
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if i <= 0 {
		return 0, "", false
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil || n > 100000 {
		return 0, "", false
	}
	return n, s[i:], true
}
