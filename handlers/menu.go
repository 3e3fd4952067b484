package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/officialaccount/menu"

	"dutybot/bot"
)

// MenuButton is a button of the official account's custom menu (自定义菜单).
// It opens a submenu (Buttons), a web page (URL), or, when clicked,
// answers with Reply, a fixed text, or with the bot's answer to Ask, as if
// the person had sent it (ask: 分类, ask: 人工). Key names a clicked
// button in the CLICK event; it defaults to dutybot_1, dutybot_1_2 … by
// the button's place.
type MenuButton struct {
	Name    string       `yaml:"name"`
	Key     string       `yaml:"key"`
	URL     string       `yaml:"url"`
	Reply   string       `yaml:"reply"`
	Ask     string       `yaml:"ask"`
	Buttons []MenuButton `yaml:"buttons"`
}

// WeChat's limits on a custom menu, in bytes of UTF-8 where they are
// sizes (errors 40016 to 40018, 40019, 40023 of menu/create).
const (
	menuTop      = 3    // buttons in the bar
	menuSub      = 5    // buttons in a submenu
	menuTopName  = 16   // a bar button's name: 5 Chinese characters (4 show in full)
	menuSubName  = 60   // a submenu button's name
	menuKeyLimit = 128  // a click button's key
	menuURLLimit = 1024 // a view button's URL
)

// MenuError is a problem of a menu button; Field is its path in the
// menu, as the configuration writes it: [0].buttons[1].name.
type MenuError struct {
	Field string
	Err   error
	Value any // the offending value, when there is one to show
}

func (e *MenuError) Error() string {
	if e.Value != nil {
		return fmt.Sprintf("%s: %v (got %q)", e.Field, e.Err, fmt.Sprint(e.Value))
	}
	return fmt.Sprintf("%s: %v", e.Field, e.Err)
}

func (e *MenuError) Unwrap() error { return e.Err }

// ValidateMenu checks a menu against WeChat's rules and returns every
// problem, joined; each is a *MenuError. An empty menu is valid (there is
// none to create).
func ValidateMenu(buttons []MenuButton) error {
	var errs []error
	bad := func(field string, value any, format string, args ...any) {
		errs = append(errs, &MenuError{Field: field, Err: fmt.Errorf(format, args...), Value: value})
	}
	if len(buttons) > menuTop {
		bad("", len(buttons), "at most %d buttons in the bar", menuTop)
	}
	keys := map[string]string{}
	var check func(field string, b MenuButton, top bool, key string)
	check = func(field string, b MenuButton, top bool, key string) {
		limit := menuSubName
		if top {
			limit = menuTopName
		}
		switch {
		case b.Name == "":
			bad(field+".name", nil, "must not be empty")
		case len(b.Name) > limit:
			bad(field+".name", b.Name, "must be at most %d bytes (%d Chinese characters)", limit, limit/3)
		}
		actions := 0
		for _, set := range []bool{len(b.Buttons) > 0, b.URL != "", b.Reply != "", b.Ask != ""} {
			if set {
				actions++
			}
		}
		if actions != 1 {
			bad(field, nil, "must have exactly one of buttons (a submenu), url, reply or ask")
		}
		if len(b.Buttons) > 0 {
			if !top {
				bad(field+".buttons", nil, "a submenu cannot hold a submenu")
			}
			if len(b.Buttons) > menuSub {
				bad(field+".buttons", len(b.Buttons), "at most %d buttons in a submenu", menuSub)
			}
			if b.Key != "" {
				bad(field+".key", b.Key, "a button that opens a submenu has no key")
			}
			for i, sb := range b.Buttons {
				check(fmt.Sprintf("%s.buttons[%d]", field, i), sb, false, fmt.Sprintf("%s_%d", key, i+1))
			}
			return
		}
		if b.URL != "" {
			if u, err := url.Parse(b.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad(field+".url", b.URL, "must be an http:// or https:// address")
			} else if len(b.URL) > menuURLLimit {
				bad(field+".url", nil, "must be at most %d bytes", menuURLLimit)
			}
			return
		}
		if b.Reply != "" && len(b.Reply) > bot.PlainLimit {
			bad(field+".reply", nil, "must be at most %d bytes (WeChat cuts longer replies)", bot.PlainLimit)
		}
		if b.Key != "" {
			key = b.Key
		}
		switch {
		case len(key) > menuKeyLimit:
			bad(field+".key", key, "must be at most %d bytes", menuKeyLimit)
		case keys[key] != "":
			bad(field+".key", key, "is also the key of %s", keys[key])
		}
		keys[key] = field
	}
	for i, b := range buttons {
		check(fmt.Sprintf("[%d]", i), b, true, fmt.Sprintf("dutybot_%d", i+1))
	}
	return errors.Join(errs...)
}

// buildMenu returns the menu as silenceper's buttons, and the clicked
// buttons by their keys (prefix_1, prefix_1_2 … unless set).
func buildMenu(buttons []MenuButton, prefix string, clicks map[string]MenuButton) []*menu.Button {
	out := make([]*menu.Button, 0, len(buttons))
	for i, b := range buttons {
		key := fmt.Sprintf("%s_%d", prefix, i+1)
		mb := &menu.Button{}
		switch {
		case len(b.Buttons) > 0:
			mb.SetSubButton(b.Name, buildMenu(b.Buttons, key, clicks))
		case b.URL != "":
			mb.SetViewButton(b.Name, b.URL)
		default:
			if b.Key != "" {
				key = b.Key
			}
			mb.SetClickButton(b.Name, key)
			clicks[key] = b
		}
		out = append(out, mb)
	}
	return out
}

// menuClicks returns the clicked buttons of a menu by their keys.
func menuClicks(buttons []MenuButton) map[string]MenuButton {
	clicks := map[string]MenuButton{}
	buildMenu(buttons, "dutybot", clicks)
	return clicks
}

// MenuJSON returns the body of WeChat's menu/create for the menu, after
// checking the menu (ValidateMenu) and that the JSON holds what WeChat
// requires: 1 to 3 buttons, each with a name and either a submenu of 1 to
// 5 or a type with its key or url.
func MenuJSON(buttons []MenuButton) ([]byte, error) {
	if len(buttons) == 0 {
		return nil, errors.New("the menu has no buttons")
	}
	if err := ValidateMenu(buttons); err != nil {
		return nil, err
	}
	body := struct {
		Button []*menu.Button `json:"button"`
	}{buildMenu(buttons, "dutybot", map[string]MenuButton{})}
	data, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	if err := checkMenuJSON(data); err != nil {
		return nil, fmt.Errorf("menu JSON: %w", err)
	}
	return data, nil
}

// checkMenuJSON checks the JSON to send, read back as WeChat reads it.
func checkMenuJSON(data []byte) error {
	var m struct {
		Button []menu.Button `json:"button"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	if len(m.Button) == 0 || len(m.Button) > menuTop {
		return fmt.Errorf("%d buttons in the bar, want 1 to %d", len(m.Button), menuTop)
	}
	var check func(path string, b menu.Button, top bool) error
	check = func(path string, b menu.Button, top bool) error {
		if b.Name == "" || !utf8.ValidString(b.Name) {
			return fmt.Errorf("%s: no name", path)
		}
		if len(b.SubButtons) > 0 {
			if !top || b.Type != "" || len(b.SubButtons) > menuSub {
				return fmt.Errorf("%s: a submenu must be in the bar, without a type, of at most %d buttons", path, menuSub)
			}
			for i, sb := range b.SubButtons {
				if err := check(fmt.Sprintf("%s.sub_button[%d]", path, i), *sb, false); err != nil {
					return err
				}
			}
			return nil
		}
		switch {
		case b.Type == "click" && b.Key != "" && len(b.Key) <= menuKeyLimit:
		case b.Type == "view" && b.URL != "" && len(b.URL) <= menuURLLimit:
		default:
			return fmt.Errorf("%s: type %q needs its key (click) or url (view)", path, b.Type)
		}
		return nil
	}
	for i, b := range m.Button {
		if err := check(fmt.Sprintf("button[%d]", i), b, true); err != nil {
			return err
		}
	}
	return nil
}

// CreateMenu creates the official account's custom menu through
// silenceper's menu API (menu/create, with an access token from the
// stable-token endpoint, kept in o.WeChatCache). It needs o.AppID and
// o.AppSecret, and the server's address on the account's IP whitelist.
func CreateMenu(o Options, buttons []MenuButton) error {
	if o.AppID == "" || o.AppSecret == "" {
		return errors.New("creating the menu needs the official account's AppID and AppSecret")
	}
	data, err := MenuJSON(buttons)
	if err != nil {
		return err
	}
	if err := newOfficialAccount(o).GetMenu().SetMenuByJSON(string(data)); err != nil {
		return fmt.Errorf("WeChat refused the menu: %w", err)
	}
	return nil
}
