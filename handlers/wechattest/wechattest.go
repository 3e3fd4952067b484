// Package wechattest stands in for WeChat's API (api.weixin.qq.com) in
// tests: a local HTTP server that hands out access tokens
// (cgi-bin/stable_token) for one AppID and secret and takes custom menus
// (cgi-bin/menu/create), answering as WeChat does. silenceper's API
// addresses are constants; Start points them at the server through
// util.SetURIModifier, silenceper's hook for rewriting them, so that the
// requests are silenceper's own.
package wechattest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/silenceper/wechat/v2/util"
)

// Token is the access token the server hands out.
const Token = "TOKEN-1"

// API is the stand-in server.
type API struct {
	appID, secret string

	mu      sync.Mutex
	calls   []string
	menu    string
	errcode int
	errmsg  string
}

// Start starts the server for the account appID with secret, and points
// silenceper at it until the test ends. Tests that use it must not run in
// parallel: the hook is process-wide.
func Start(tb testing.TB, appID, secret string) *API {
	a := &API{appID: appID, secret: secret}
	srv := httptest.NewServer(http.HandlerFunc(a.serve))
	util.SetURIModifier(func(uri string) string { return strings.Replace(uri, "https://api.weixin.qq.com", srv.URL, 1) })
	tb.Cleanup(func() {
		util.SetURIModifier(nil)
		srv.Close()
	})
	return a
}

// RefuseMenus makes menu/create answer with errcode and errmsg (0: accept).
func (a *API) RefuseMenus(errcode int, errmsg string) {
	a.mu.Lock()
	a.errcode, a.errmsg = errcode, errmsg
	a.mu.Unlock()
}

// Calls returns the requests made so far: "POST /cgi-bin/stable_token" …
func (a *API) Calls() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.calls...)
}

// Menu returns the body of the last menu/create with a valid token.
func (a *API) Menu() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.menu
}

func (a *API) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, r.Method+" "+r.URL.Path)
	switch r.URL.Path {
	case "/cgi-bin/stable_token":
		var req map[string]any
		if err := json.Unmarshal(body, &req); err != nil || req["grant_type"] != "client_credential" || req["appid"] != a.appID || req["secret"] != a.secret {
			fmt.Fprint(w, `{"errcode":40013,"errmsg":"invalid appid or secret"}`)
			return
		}
		fmt.Fprintf(w, `{"access_token":%q,"expires_in":7200}`, Token)
	case "/cgi-bin/menu/create":
		if r.URL.Query().Get("access_token") != Token {
			fmt.Fprint(w, `{"errcode":40001,"errmsg":"invalid credential"}`)
			return
		}
		a.menu = string(body)
		fmt.Fprintf(w, `{"errcode":%d,"errmsg":%q}`, a.errcode, a.errmsg)
	default:
		http.NotFound(w, r)
	}
}
