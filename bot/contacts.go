package bot

import (
	"slices"
	"strings"
)

// Contact is a place a person can call or visit.
type Contact struct {
	Name    string `json:"name"`
	Phone   string `json:"phone,omitempty"`
	Address string `json:"address,omitempty"`
	Hours   string `json:"hours,omitempty"`
}

// String is the contact in one phrase: 喀尔墩乡民政办（电话 0999-8012345；地址 …；办公时间 …）.
func (c Contact) String() string {
	var parts []string
	if c.Phone != "" {
		parts = append(parts, "电话 "+c.Phone)
	}
	if c.Address != "" {
		parts = append(parts, "地址 "+c.Address)
	}
	if c.Hours != "" {
		parts = append(parts, "办公时间 "+c.Hours)
	}
	if len(parts) == 0 {
		return c.Name
	}
	return c.Name + "（" + strings.Join(parts, "；") + "）"
}

// Office is a township office that handles an area of work (民政, 社保,
// 农业, 综治 …): the items of its categories and the items it names.
type Office struct {
	Contact
	Area       string   `json:"area,omitempty"`       // the area as people name it
	Categories []string `json:"categories,omitempty"` // the list's categories it handles
	Items      []string `json:"items,omitempty"`      // refs it handles, whatever their category
}

// TownContacts are one township's places to call or visit.
type TownContacts struct {
	Center   Contact   `json:"service_center"` // the township's 便民服务中心
	Offices  []Office  `json:"offices,omitempty"`
	Villages []Contact `json:"villages,omitempty"` // village (community) committees
}

// office returns the office that handles it: the one that names its ref,
// else the first of its category; ok is false when none does.
func (tc *TownContacts) office(it *Item) (Office, bool) {
	for _, o := range tc.Offices {
		if slices.ContainsFunc(o.Items, func(r string) bool { return strings.EqualFold(r, it.Ref) }) {
			return o, true
		}
	}
	for _, o := range tc.Offices {
		if it.Category != "" && slices.Contains(o.Categories, it.Category) {
			return o, true
		}
	}
	return Office{}, false
}

// Hotlines are the telephone numbers of the county (or the country).
type Hotlines struct {
	Government string `json:"government"` // 政务服务便民热线, 12345
	LegalAid   string `json:"legal_aid"`  // 法律援助, 12348
	Power      string `json:"power"`      // 供电服务, 95598
	Market     string `json:"market"`     // 市场监管投诉举报, 12315
	Police     string `json:"police"`     // 110
	Fire       string `json:"fire"`       // 119
	Ambulance  string `json:"ambulance"`  // 120
}

// DefaultHotlines are the national numbers, the same in every county.
var DefaultHotlines = Hotlines{Government: "12345", LegalAid: "12348", Power: "95598", Market: "12315",
	Police: "110", Fire: "119", Ambulance: "120"}

// withDefaults fills the numbers left empty from DefaultHotlines.
func (h Hotlines) withDefaults() Hotlines {
	d := DefaultHotlines
	for _, p := range [][2]*string{{&h.Government, &d.Government}, {&h.LegalAid, &d.LegalAid}, {&h.Power, &d.Power},
		{&h.Market, &d.Market}, {&h.Police, &d.Police}, {&h.Fire, &d.Fire}, {&h.Ambulance, &d.Ambulance}} {
		if *p[0] == "" {
			*p[0] = *p[1]
		}
	}
	return h
}

// Contacts are what the bot tells people to call or visit: the hotlines,
// the city's (county's) departments that lead or took back items, and each
// township's service centre, offices and village committees. A township
// without contacts is answered in the list's words alone: nothing is made
// up.
type Contacts struct {
	Hotlines    Hotlines                 `json:"hotlines"`
	Departments []Contact                `json:"departments,omitempty"`
	Townships   map[string]*TownContacts `json:"townships,omitempty"`
}

// Town returns the contacts of township t, nil when none are configured.
func (c *Contacts) Town(t *Township) *TownContacts {
	if c == nil || t == nil {
		return nil
	}
	return c.Townships[t.Name]
}

// Department returns the contact of the body called name (by any of its
// names in dir, which may be nil).
func (c *Contacts) Department(name string, dir *Directory) (Contact, bool) {
	if c == nil || name == "" {
		return Contact{}, false
	}
	names := []string{name}
	if dir != nil {
		if b, ok := dir.Lookup(name); ok {
			names = append([]string{b.Name}, b.Aliases...)
		}
	}
	for _, d := range c.Departments {
		if slices.Contains(names, d.Name) {
			return d, true
		}
		if dir != nil {
			if b, ok := dir.Lookup(d.Name); ok && slices.Contains(names, b.Name) {
				return d, true
			}
		}
	}
	return Contact{}, false
}

// villageCues are the words of a first step that is taken in the village:
// the village committee, the grid worker, a visit at home.
var villageCues = []string{"村委会", "村民委员会", "村（社区）", "村(社区)", "社区居委会", "网格员", "各村", "入户", "村级"}

// startsInVillage reports whether an item's township steps begin in the
// village (the committee or the grid worker is the first to see the
// person).
func startsInVillage(it *Item) bool {
	for _, g := range it.TownshipSteps {
		for _, s := range g.Steps {
			for _, w := range villageCues {
				if strings.Contains(s, w) {
					return true
				}
			}
			return false // only the first step counts
		}
	}
	return false
}

// nextStep is the line that ends an item's answer: the first step a person
// takes and whom to contact for it. It is empty when the township has no
// contacts configured and, for a reclaimed item, the department none
// either: the answer then says what the list says.
func nextStep(t *Township, it *Item, c *Contacts, dir *Directory) string {
	tc := c.Town(t)
	if it.Kind == Reclaimed {
		if it.NoLongerDone() {
			return ""
		}
		if d, ok := c.Department(it.Handover.Body, dir); ok {
			return "下一步：请联系" + d.String() + "。"
		}
		if tc != nil {
			return "下一步：请直接向" + it.Handover.Body + "咨询，" + t.Name + "不再办理。"
		}
		return ""
	}
	if tc == nil {
		return ""
	}
	office := tc.Center
	if office.Name == "" {
		office.Name = t.Office() + "便民服务中心"
	}
	if o, ok := tc.office(it); ok {
		office = o.Contact
	}
	var sb strings.Builder
	sb.WriteString("下一步：")
	if startsInVillage(it) {
		sb.WriteString("先找" + t.Neighbourhood() + "或网格员")
		if len(tc.Villages) > 0 {
			sb.WriteString("（各村电话回复“联系方式”查看）")
		}
		sb.WriteString("，或联系" + office.String() + "。")
	} else {
		sb.WriteString("请联系" + office.String() + "。")
	}
	if it.Kind == Cooperative && len(it.Leads) > 0 {
		lead := it.Leads[0]
		if d, ok := c.Department(lead, dir); ok {
			lead = d.String()
		}
		sb.WriteString("\n牵头部门：" + lead)
		if len(it.Leads) > 1 {
			sb.WriteString("等")
		}
	}
	return sb.String()
}

// contactsText lists a township's contacts and the hotlines, for 帮助 and
// for people who ask for a phone number or a person. It is empty when
// the township has none configured.
func contactsText(t *Township, c *Contacts) string {
	tc := c.Town(t)
	if tc == nil {
		return ""
	}
	var sb strings.Builder
	sb.WriteString(t.Name + "联系方式：")
	if tc.Center.Name != "" || tc.Center.Phone != "" {
		center := tc.Center
		if center.Name == "" {
			center.Name = "便民服务中心"
		}
		sb.WriteString("\n· " + center.String())
	}
	for _, o := range tc.Offices {
		line := o.String()
		if o.Area != "" && !strings.Contains(o.Name, o.Area) {
			line = o.Area + "：" + line
		}
		sb.WriteString("\n· " + line)
	}
	for _, v := range tc.Villages {
		sb.WriteString("\n· " + v.String())
	}
	return sb.String()
}

// hotlinesText is the hotlines in a few lines.
func hotlinesText(h Hotlines) string {
	return "热线：政务服务 " + h.Government + "，法律援助 " + h.LegalAid + "，供电 " + h.Power + "，消费投诉 " + h.Market +
		"\n紧急情况：报警 " + h.Police + "，火警 " + h.Fire + "，急救 " + h.Ambulance
}
