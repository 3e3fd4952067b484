package handlers

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"dutybot/handlers/wechattest"
)

// testMenu is a menu as staff would configure it.
func testMenu() []MenuButton {
	return []MenuButton{
		{Name: "常见问题", Buttons: []MenuButton{
			{Name: "办残疾证", Ask: disabilityQuestion},
			{Name: "全部分类", Ask: "分类"},
		}},
		{Name: "办事指南", URL: "https://example.gov.cn/guide"},
		{Name: "联系我们", Key: "CONTACT", Reply: "便民服务中心电话 0999-8011111，工作日 9:30-19:30。"},
	}
}

func TestMenuJSON(t *testing.T) {
	data, err := MenuJSON(testMenu())
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"button":[{"name":"常见问题","sub_button":[{"type":"click","name":"办残疾证","key":"dutybot_1_1"},` +
		`{"type":"click","name":"全部分类","key":"dutybot_1_2"}]},{"type":"view","name":"办事指南","url":"https://example.gov.cn/guide"},` +
		`{"type":"click","name":"联系我们","key":"CONTACT"}]}`
	if string(data) != want {
		t.Errorf("MenuJSON =\n%s\nwant\n%s", data, want)
	}
	long := strings.Repeat("长", 21)
	sub := func(bs ...MenuButton) []MenuButton { return []MenuButton{{Name: "菜单", Buttons: bs}} }
	six := make([]MenuButton, 6)
	for i := range six {
		six[i] = MenuButton{Name: fmt.Sprint(i), Reply: "x"}
	}
	tests := []struct {
		name  string
		menu  []MenuButton
		field string // of the first problem
		msg   string
	}{
		{"four in the bar", []MenuButton{{Name: "a", Reply: "x"}, {Name: "b", Reply: "x"}, {Name: "c", Reply: "x"}, {Name: "d", Reply: "x"}}, "", "at most 3 buttons"},
		{"no name", []MenuButton{{Reply: "x"}}, "[0].name", "must not be empty"},
		{"bar name too long", []MenuButton{{Name: "常见问题解答", Reply: "x"}}, "[0].name", "at most 16 bytes"},
		{"submenu name too long", sub(MenuButton{Name: long, Reply: "x"}), "[0].buttons[0].name", "at most 60 bytes"},
		{"no action", []MenuButton{{Name: "空"}}, "[0]", "exactly one of"},
		{"two actions", []MenuButton{{Name: "两个", Reply: "x", Ask: "y"}}, "[0]", "exactly one of"},
		{"six in a submenu", sub(six...), "[0].buttons", "at most 5 buttons"},
		{"submenu in a submenu", sub(MenuButton{Name: "深", Buttons: []MenuButton{{Name: "x", Reply: "x"}}}), "[0].buttons[0].buttons", "cannot hold a submenu"},
		{"bad url", []MenuButton{{Name: "网页", URL: "example.gov.cn"}}, "[0].url", "http:// or https://"},
		{"same key", []MenuButton{{Name: "a", Key: "K", Reply: "x"}, {Name: "b", Key: "K", Reply: "y"}}, "[1].key", "also the key of [0]"},
		{"key like a default", []MenuButton{{Name: "a", Reply: "x"}, {Name: "b", Key: "dutybot_1", Reply: "y"}}, "[1].key", "also the key"},
		{"reply too long", []MenuButton{{Name: "a", Reply: strings.Repeat("长", 700)}}, "[0].reply", "at most 2000 bytes"},
		{"key on a submenu", []MenuButton{{Name: "a", Key: "K", Buttons: []MenuButton{{Name: "b", Reply: "x"}}}}, "[0].key", "has no key"},
	}
	for _, tt := range tests {
		_, err := MenuJSON(tt.menu)
		var me *MenuError
		if !errors.As(err, &me) || me.Field != tt.field || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: MenuJSON error = %v, want %q at %q", tt.name, err, tt.msg, tt.field)
		}
	}
	if _, err := MenuJSON(nil); err == nil {
		t.Error("MenuJSON(nil) = nil error, want one")
	}
}

func wechatClick(from, key string, created int64) string {
	return fmt.Sprintf("<xml><ToUserName><![CDATA[gh_dutybot]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event>"+
		"<EventKey><![CDATA[%s]]></EventKey></xml>", from, created, key)
}

// A click on a menu button, as WeChat pushes it, through silenceper's
// server in plaintext and safe mode: the button's reply, or the answer
// to its question; an unknown key gets the welcome.
func TestMenuClick(t *testing.T) {
	o := wechatOptions()
	o.Menu = testMenu()
	h := newHarness(t, o)
	po := plainOptions() // a plaintext message is taken only without an EncodingAESKey
	po.Menu = testMenu()
	hp := newHarness(t, po)
	welcome := h.b.Welcome(wechatFormat)
	tests := []struct {
		key, want string
		contains  bool
	}{
		{"CONTACT", testMenu()[2].Reply, false},
		{"dutybot_1_1", disabilityItem, true},
		{"dutybot_1_2", "履职事项的分类", true},
		{"dutybot_2", welcome, false}, // the view button sends no click
		{"OLD_KEY", welcome, false},
	}
	for i, tt := range tests {
		for _, safe := range []bool{false, true} {
			body := wechatClick(fmt.Sprintf("oClick%d", i), tt.key, int64(1409736000+2*i+btoi(safe)))
			q := signedQuery(testToken)
			var got string
			if safe {
				q, body = sealWeChat(t, body)
				got = openReply(t, h.do(wechatPost(q, body)), testToken, testAppID, testAESKey).Content
			} else {
				got = plainReply(t, hp.do(wechatPost(q, body))).Content
			}
			if tt.contains && !strings.Contains(got, tt.want) || !tt.contains && got != tt.want {
				t.Errorf("click %s (safe %v) = %q, want %q", tt.key, safe, got, tt.want)
			}
		}
	}
	o.Menu, o.Bot = []MenuButton{{Name: ""}}, h.b
	if _, err := New(o); err == nil || !strings.Contains(err.Error(), "[0].name") {
		t.Errorf("New with a bad menu: %v, want an error naming [0].name", err)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateMenu goes through silenceper's menu API, to a local server
// standing in for api.weixin.qq.com (wechattest), which checks the token
// request and takes the menu as WeChat does.
func TestCreateMenu(t *testing.T) {
	api := wechattest.Start(t, testAppID, "the-secret")
	o := Options{AppID: testAppID, AppSecret: "the-secret"}
	if err := CreateMenu(o, testMenu()); err != nil {
		t.Fatalf("CreateMenu: %v", err)
	}
	want, _ := MenuJSON(testMenu())
	if calls := api.Calls(); strings.Join(calls, ",") != "POST /cgi-bin/stable_token,POST /cgi-bin/menu/create" || api.Menu() != string(want) {
		t.Errorf("calls %v, menu sent %s; want the token, then menu/create with %s", calls, api.Menu(), want)
	}

	api.RefuseMenus(40018, "invalid button name size")
	err := CreateMenu(Options{AppID: testAppID, AppSecret: "the-secret"}, testMenu())
	if err == nil || !strings.Contains(err.Error(), "40018") {
		t.Errorf("CreateMenu refused by WeChat: %v, want the errcode", err)
	}
	if err := CreateMenu(Options{AppID: testAppID, AppSecret: "wrong"}, testMenu()); err == nil || !strings.Contains(err.Error(), "40013") {
		t.Errorf("CreateMenu with a wrong secret: %v, want errcode 40013", err)
	}
	n := len(api.Calls())
	if err := CreateMenu(o, []MenuButton{{Name: "空"}}); err == nil || len(api.Calls()) != n {
		t.Errorf("an invalid menu: %v after %d calls, want an error before any call", err, len(api.Calls())-n)
	}
	if err := CreateMenu(Options{AppID: testAppID}, testMenu()); err == nil || !strings.Contains(err.Error(), "AppSecret") {
		t.Errorf("no AppSecret: %v", err)
	}
}
