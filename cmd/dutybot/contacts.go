package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"

	"dutybot/bot"
)

// ContactsConfig are the places and numbers answers name (contacts: in
// the file; DUTYBOT_CONTACTS names a YAML file of the same keys, which
// replaces them). Nothing is required: without contacts, answers say what
// the lists say and point to the 12345 hotline.
type ContactsConfig struct {
	// Hotlines are the county's numbers; each left empty is the national
	// one (12345, 12348, 95598, 12315, 110, 119, 120).
	Hotlines HotlinesConfig `yaml:"hotlines"`
	// Departments are the city's (county's) departments that lead items
	// or took them back, named as the lists name them (or by an alias:
	// 市人社局).
	Departments []ContactConfig `yaml:"departments"`
	// Townships are each township's contacts, by the township's name as
	// its list gives it.
	Townships map[string]TownContactsConfig `yaml:"townships"`
}

// HotlinesConfig are the telephone hotlines.
type HotlinesConfig struct {
	Government string `yaml:"government"` // 政务服务便民热线, 12345
	LegalAid   string `yaml:"legal_aid"`  // 法律援助, 12348
	Power      string `yaml:"power"`      // 供电, 95598
	Market     string `yaml:"market"`     // 市场监管投诉举报, 12315
	Police     string `yaml:"police"`     // 110
	Fire       string `yaml:"fire"`       // 119
	Ambulance  string `yaml:"ambulance"`  // 120
}

// ContactConfig is a place to call or visit.
type ContactConfig struct {
	Name    string `yaml:"name"`
	Phone   string `yaml:"phone"`
	Address string `yaml:"address"`
	Hours   string `yaml:"hours"`
}

// OfficeConfig is a township office and the items it handles: those of
// its categories (as the list spells them) and those it names by ref.
type OfficeConfig struct {
	Name       string   `yaml:"name"`
	Area       string   `yaml:"area"` // 民政, 社保, 农业, 综治 …
	Phone      string   `yaml:"phone"`
	Address    string   `yaml:"address"`
	Hours      string   `yaml:"hours"`
	Categories []string `yaml:"categories"`
	Items      []string `yaml:"items"`
}

// TownContactsConfig are one township's contacts.
type TownContactsConfig struct {
	ServiceCenter ContactConfig   `yaml:"service_center"` // 便民服务中心
	Offices       []OfficeConfig  `yaml:"offices"`
	Villages      []ContactConfig `yaml:"villages"` // village (community) committees
}

// Empty reports whether no contact is configured.
func (c ContactsConfig) Empty() bool {
	return c.Hotlines == (HotlinesConfig{}) && len(c.Departments) == 0 && len(c.Townships) == 0
}

// readContactsFile reads a contacts file (the keys of contacts:).
func readContactsFile(path string) (ContactsConfig, error) {
	var c ContactsConfig
	data, err := os.ReadFile(path)
	if err != nil {
		return c, err
	}
	if err := yaml.UnmarshalWithOptions(data, &c, yaml.DisallowUnknownField()); err != nil {
		return c, fmt.Errorf("%s: %s", path, yaml.FormatError(err, false, false))
	}
	return c, nil
}

// phoneOK reports whether s looks like a telephone number: digits with
// spaces, hyphens, parentheses, a leading + and an extension (转).
func phoneOK(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" -()+转、,，/", r):
		default:
			return false
		}
	}
	return digits >= 3 && len(s) <= 60
}

// validate reports every problem of the contacts through bad, naming
// its field (contacts.townships.喀尔墩乡.offices[0].phone).
func (c ContactsConfig) validate(bad func(field string, value any, format string, args ...any)) {
	contact := func(field string, k ContactConfig, nameRequired bool) {
		if nameRequired && strings.TrimSpace(k.Name) == "" {
			bad(field+".name", nil, "must not be empty")
		}
		if k.Phone != "" && !phoneOK(k.Phone) {
			bad(field+".phone", k.Phone, "must be a telephone number (digits, spaces, -, +, 转)")
		}
	}
	h := c.Hotlines
	for _, n := range []struct{ field, v string }{{"government", h.Government}, {"legal_aid", h.LegalAid}, {"power", h.Power},
		{"market", h.Market}, {"police", h.Police}, {"fire", h.Fire}, {"ambulance", h.Ambulance}} {
		if n.v != "" && !phoneOK(n.v) {
			bad("contacts.hotlines."+n.field, n.v, "must be a telephone number (digits, spaces, -, +, 转)")
		}
	}
	seen := map[string]bool{}
	for i, d := range c.Departments {
		field := fmt.Sprintf("contacts.departments[%d]", i)
		contact(field, d, true)
		if seen[d.Name] {
			bad(field+".name", d.Name, "is listed twice")
		}
		seen[d.Name] = true
	}
	for _, name := range sortedKeys(c.Townships) {
		tc := c.Townships[name]
		field := "contacts.townships." + name
		if strings.TrimSpace(name) == "" {
			bad("contacts.townships", nil, "a township's name must not be empty")
		}
		contact(field+".service_center", tc.ServiceCenter, false)
		for i, o := range tc.Offices {
			of := fmt.Sprintf("%s.offices[%d]", field, i)
			contact(of, ContactConfig{Name: o.Name, Phone: o.Phone}, true)
			if len(o.Categories) == 0 && len(o.Items) == 0 {
				bad(of+".categories", nil, "an office must name the categories (or the items) it handles")
			}
		}
		for i, v := range tc.Villages {
			contact(fmt.Sprintf("%s.villages[%d]", field, i), v, true)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Bot returns the contacts as the bot takes them; nil when none are
// configured.
func (c ContactsConfig) Bot() *bot.Contacts {
	if c.Empty() {
		return nil
	}
	h := c.Hotlines
	out := &bot.Contacts{
		Hotlines: bot.Hotlines{Government: h.Government, LegalAid: h.LegalAid, Power: h.Power, Market: h.Market,
			Police: h.Police, Fire: h.Fire, Ambulance: h.Ambulance},
		Townships: map[string]*bot.TownContacts{},
	}
	for _, d := range c.Departments {
		out.Departments = append(out.Departments, bot.Contact(d))
	}
	for name, tc := range c.Townships {
		t := &bot.TownContacts{Center: bot.Contact(tc.ServiceCenter)}
		for _, o := range tc.Offices {
			t.Offices = append(t.Offices, bot.Office{Contact: bot.Contact{Name: o.Name, Phone: o.Phone, Address: o.Address, Hours: o.Hours},
				Area: o.Area, Categories: o.Categories, Items: o.Items})
		}
		for _, v := range tc.Villages {
			t.Villages = append(t.Villages, bot.Contact(v))
		}
		out.Townships[name] = t
	}
	return out
}

// checkAgainst checks the contacts against the loaded lists: every
// township named is loaded, and every office's categories and refs are in
// its list. Each problem names its field.
func (c ContactsConfig) checkAgainst(lib *bot.Library) error {
	var errs []error
	bad := func(field string, value any, format string, args ...any) {
		errs = append(errs, &ConfigValidationError{Field: field, Err: fmt.Errorf(format, args...), Value: value})
	}
	for _, name := range sortedKeys(c.Townships) {
		t := lib.Township(name)
		if t == nil || t.Name != name {
			var names []string
			for _, t := range lib.Townships {
				names = append(names, t.Name)
			}
			bad("contacts.townships."+name, nil, "no loaded list is of this township (loaded: %s)", strings.Join(names, "、"))
			continue
		}
		cats := t.Categories()
		for i, o := range c.Townships[name].Offices {
			for j, cat := range o.Categories {
				if !slices.Contains(cats, cat) {
					bad(fmt.Sprintf("contacts.townships.%s.offices[%d].categories[%d]", name, i, j), cat,
						"is not a category of the list (its categories: %s)", strings.Join(cats, "、"))
				}
			}
			for j, ref := range o.Items {
				if t.Item(ref) == nil {
					bad(fmt.Sprintf("contacts.townships.%s.offices[%d].items[%d]", name, i, j), ref, "is not a ref of the list (B12, C16, R1 …)")
				}
			}
		}
	}
	return errors.Join(errs...)
}
