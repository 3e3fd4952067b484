package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dutybot/cmd/dutybot/app"
	"dutybot/handlers/wechattest"
)

const contactsYAML = `
contacts:
  hotlines: {government: "0999-12345"}
  departments:
    - {name: 市残疾人联合会, phone: 0999-8021234, address: 解放路 8 号}
  townships:
    喀尔墩乡:
      service_center: {name: 喀尔墩乡便民服务中心, phone: 0999-8011111, hours: 工作日 9:30-19:30}
      offices:
        - {name: 民政办, area: 民政, phone: 0999-8012222, categories: [民生服务]}
      villages:
        - {name: 喀尔墩村村委会, phone: 0999-8014444}
`

func TestContactsConfig(t *testing.T) {
	c, err := ParseConfig(strings.NewReader(contactsYAML))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	bc := c.Contacts.Bot()
	tc := bc.Townships["喀尔墩乡"]
	if bc.Hotlines.Government != "0999-12345" || len(bc.Departments) != 1 || tc == nil || tc.Center.Phone != "0999-8011111" ||
		len(tc.Offices) != 1 || tc.Offices[0].Categories[0] != "民生服务" || tc.Villages[0].Name != "喀尔墩村村委会" {
		t.Errorf("Bot() = %+v, township %+v", bc, tc)
	}
	if (ContactsConfig{}).Bot() != nil {
		t.Error("no contacts configured, but Bot() is not nil")
	}

	tests := []struct {
		name, yaml, want string
	}{
		{"bad hotline", "contacts: {hotlines: {police: call-us}}", `contacts.hotlines.police: must be a telephone number (digits, spaces, -, +, 转) (got "call-us")`},
		{"department without a name", "contacts: {departments: [{phone: '0999-1234567'}]}", "contacts.departments[0].name: must not be empty"},
		{"department twice", "contacts: {departments: [{name: 市民政局}, {name: 市民政局}]}", `contacts.departments[1].name: is listed twice (got "市民政局")`},
		{"bad centre phone", "contacts: {townships: {喀尔墩乡: {service_center: {phone: 电话}}}}", `contacts.townships.喀尔墩乡.service_center.phone: must be a telephone number`},
		{"office without categories", "contacts: {townships: {喀尔墩乡: {offices: [{name: 民政办}]}}}", "contacts.townships.喀尔墩乡.offices[0].categories: an office must name the categories (or the items) it handles"},
		{"village without a name", "contacts: {townships: {喀尔墩乡: {villages: [{phone: '123'}]}}}", "contacts.townships.喀尔墩乡.villages[0].name: must not be empty"},
		{"unknown key", "contacts: {townships: {喀尔墩乡: {centre: {}}}}", `unknown field "centre"`},
		{"bad menu", "menu: [{name: 常见问题解答大全, reply: x}]", `menu[0].name: must be at most 16 bytes (5 Chinese characters) (got "常见问题解答大全")`},
		{"menu without action", "menu: [{name: 常见问题, buttons: [{name: 空}]}]", "menu[0].buttons[0]: must have exactly one of buttons (a submenu), url, reply or ask"},
	}
	for _, tt := range tests {
		c, err := ParseConfig(strings.NewReader(tt.yaml))
		if err == nil {
			err = c.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

// The contacts must fit the loaded lists: a township that is not loaded,
// a category or a ref the list does not have is named.
func TestContactsAgainstLists(t *testing.T) {
	cat, err := app.Load("")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := ParseConfig(strings.NewReader(contactsYAML))
	if err := c.Contacts.checkAgainst(cat.Library); err != nil {
		t.Errorf("the contacts of the embedded list: %v", err)
	}
	bad, _ := ParseConfig(strings.NewReader(`
contacts:
  townships:
    平江街道: {service_center: {phone: '0512-1234567'}}
    喀尔墩乡:
      offices:
        - {name: 民政办, categories: [民政], items: [B12, B999]}
`))
	err = bad.Contacts.checkAgainst(cat.Library)
	for _, want := range []string{
		"contacts.townships.平江街道: no loaded list is of this township (loaded: 喀尔墩乡)",
		`contacts.townships.喀尔墩乡.offices[0].categories[0]: is not a category of the list (its categories: 党的建设、`,
		`contacts.townships.喀尔墩乡.offices[0].items[1]: is not a ref of the list (B12, C16, R1 …) (got "B999")`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkAgainst = %v\nwant %q", err, want)
		}
	}
	var ve *ConfigValidationError
	if !errors.As(err, &ve) {
		t.Errorf("checkAgainst error is not a ConfigValidationError: %T", err)
	}
}

// The commented contacts and menu of the example configuration are valid
// once uncommented, and fit the embedded list.
func TestExampleContactsAndMenu(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "configs", "dutybot.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	on := false
	for _, line := range strings.Split(string(data), "\n") {
		if line == "# contacts:" || line == "# menu:" {
			on = true
		} else if !strings.HasPrefix(line, "# ") {
			on = false
		}
		if on {
			sb.WriteString(strings.TrimPrefix(line, "# ") + "\n")
		}
	}
	c, err := ParseConfig(strings.NewReader(sb.String()))
	if err != nil {
		t.Fatalf("%v in\n%s", err, sb.String())
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	cat, err := app.Load("")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Contacts.checkAgainst(cat.Library); err != nil {
		t.Error(err)
	}
	if len(c.Menu) != 3 || len(c.Contacts.Townships["喀尔墩乡"].Offices) != 2 {
		t.Errorf("uncommented example: menu %+v, contacts %+v", c.Menu, c.Contacts)
	}
}

// dutybot menu: -print shows the JSON it would send; without it the menu
// goes through silenceper's menu API to a local server standing in for
// api.weixin.qq.com (wechattest); missing settings and WeChat's refusal
// are told.
func TestMenuCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dutybot.yaml")
	os.WriteFile(path, []byte(`
wechat: {app_id: `+testAppID+`, app_secret: the-secret, token: spamtest}
menu:
  - {name: 常见问题, buttons: [{name: 全部分类, ask: 分类}]}
  - {name: 联系我们, key: CONTACT, reply: 电话 0999-8011111}
`), 0o600)
	for _, k := range []string{"DUTYBOT_CONFIG", "DUTYBOT_MENU", "DUTYBOT_REDIS_URL", "DUTYBOT_WECHAT_APPSECRET"} {
		t.Setenv(k, "")
	}
	const want = `{"button":[{"name":"常见问题","sub_button":[{"type":"click","name":"全部分类","key":"dutybot_1_1"}]},` +
		`{"type":"click","name":"联系我们","key":"CONTACT"}]}`
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"menu", "-config", path, "-print"}, &stdout, &stderr); code != 0 || strings.TrimSpace(stdout.String()) != want {
		t.Errorf("menu -print = %d\n%s\nstderr %s\nwant %s", code, stdout.String(), stderr.String(), want)
	}

	api := wechattest.Start(t, testAppID, "the-secret")

	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"menu", "-config", path}, &stdout, &stderr); code != 0 ||
		!strings.Contains(stdout.String(), "menu created: 2 buttons") || api.Menu() != want {
		t.Errorf("menu = %d, stdout %q, stderr %q, sent %s", code, stdout.String(), stderr.String(), api.Menu())
	}
	api.RefuseMenus(40164, "invalid ip 1.2.3.4, not in whitelist")
	stderr.Reset()
	if code := run(context.Background(), []string{"menu", "-config", path}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "WeChat refused the menu") || !strings.Contains(stderr.String(), "40164") {
		t.Errorf("menu refused = %d, stderr %q", code, stderr.String())
	}

	noSecret := filepath.Join(dir, "nosecret.yaml")
	os.WriteFile(noSecret, []byte("wechat: {app_id: "+testAppID+", token: spamtest}\nmenu: [{name: 帮助, ask: 帮助}]\n"), 0o600)
	noMenu := filepath.Join(dir, "nomenu.yaml")
	os.WriteFile(noMenu, []byte("rate_limit: 5\n"), 0o600)
	badMenu := filepath.Join(dir, "badmenu.yaml")
	os.WriteFile(badMenu, []byte("menu: [{name: 帮助, url: ftp://x}]\n"), 0o600)
	for _, tt := range []struct{ path, want string }{
		{noSecret, "wechat.app_secret: required to create the menu"},
		{noMenu, "menu: no buttons configured"},
		{badMenu, `menu[0].url: must be an http:// or https:// address (got "ftp://x")`},
	} {
		stderr.Reset()
		if code := run(context.Background(), []string{"menu", "-config", tt.path}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("menu -config %s = %d, stderr %q, want %q", filepath.Base(tt.path), code, stderr.String(), tt.want)
		}
	}
}

// The server answers with the configured contacts, and refuses contacts
// that do not fit its lists, naming the field.
func TestServeContacts(t *testing.T) {
	c, err := ParseConfig(strings.NewReader(contactsYAML))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := srvStart(t, func(cfg *Config) { cfg.Contacts = c.Contacts })
	a := srvAsk(t, m.Addr(), "u1", "办残疾证找谁")
	if !strings.Contains(a.Reply, "下一步：") || !strings.Contains(a.Reply, "牵头部门：市残疾人联合会（电话 0999-8021234；地址 解放路 8 号）") {
		t.Errorf("reply without the next step:\n%s", a.Reply)
	}
	if a := srvAsk(t, m.Addr(), "u2", "转人工"); a.Decision != "contact" || !strings.Contains(a.Reply, "喀尔墩乡便民服务中心（电话 0999-8011111") {
		t.Errorf("转人工: %s\n%s", a.Decision, a.Reply)
	}

	bad := NewMain(io.Discard, io.Discard)
	bad.LookupEnv = noEnv
	bad.Config.Addr, bad.Config.Data = "127.0.0.1:0", t.TempDir()
	bad.Config.Contacts = ContactsConfig{Townships: map[string]TownContactsConfig{"平江街道": {}}}
	err = bad.Run(context.Background())
	bad.Close()
	if err == nil || !strings.Contains(err.Error(), "contacts.townships.平江街道: no loaded list") {
		t.Errorf("Run with contacts of an unloaded township: %v", err)
	}
}
