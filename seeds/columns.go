package seeds

import (
	"strings"
	"unicode/utf8"

	"dutybot/bot"
)

// columns maps a table's columns: the index of each known column, or -1.
type columns struct {
	kind                       bot.Kind // the kind the header suggests
	n                          int      // number of columns
	seq, category, name, leads int
	leadSteps, townSteps       int
	handover, body, how        int
	labels                     []string // the header's cells, for messages
}

// defaultColumns is the layout of the published tables, for rows that come
// before any header row.
func defaultColumns(k bot.Kind) columns {
	var labels []string
	switch k {
	case bot.Basic:
		labels = []string{"序号", "事项类别", "事项名称"}
	case bot.Cooperative:
		labels = []string{"序号", "事项类别", "事项名称", "对应上级部门", "上级部门职责", "乡配合职责"}
	default:
		labels = []string{"序号", "事项类别", "事项名称", "承接部门及工作方式"}
	}
	c, _ := headerColumns(labels, true)
	return c
}

// headerColumns reads a header row (序号, 事项类别, 事项名称, …). Columns are
// recognised by what their names contain, so that the names other
// townships use are understood too: 事项名称 or 履职事项; 对应上级部门, 牵头部门,
// 主责部门 or 配合部门; 上级部门职责 or 部门职责; 乡配合职责, 街道配合职责 or
// 乡镇（街道）职责; 承接部门及工作方式, 承接单位及方式, or 承接部门 (收回部门) and
// 工作方式 apart. Others (备注) are ignored, and so is a second column of the
// same meaning. ok is false when there is no 事项名称 column.
//
// numbered tells that the first column is the 序号; without it (seq is -1)
// the first column is read as the others are, and the items are numbered
// in order.
func headerColumns(cells []string, numbered bool) (columns, bool) {
	c := columns{n: len(cells), seq: -1, category: -1, name: -1, leads: -1,
		leadSteps: -1, townSteps: -1, handover: -1, body: -1, how: -1}
	if numbered {
		c.seq = 0
	}
	for i, raw := range cells {
		h := clean(raw)
		c.labels = append(c.labels, h)
		if i == 0 && numbered {
			continue
		}
		if dst := c.field(columnOf(h)); dst != nil && *dst < 0 {
			*dst = i
		}
	}
	switch {
	case c.townSteps >= 0 || c.leadSteps >= 0 || c.leads >= 0:
		c.kind = bot.Cooperative
	case c.handover >= 0 || c.body >= 0 || c.how >= 0:
		c.kind = bot.Reclaimed
	default:
		c.kind = bot.Basic
	}
	return c, c.name >= 0
}

// column is the meaning of a header cell.
type column int

const (
	colOther column = iota
	colCategory
	colName
	colLeads
	colLeadSteps
	colTownSteps
	colHandover
	colBody
	colHow
)

func (c *columns) field(k column) *int {
	switch k {
	case colCategory:
		return &c.category
	case colName:
		return &c.name
	case colLeads:
		return &c.leads
	case colLeadSteps:
		return &c.leadSteps
	case colTownSteps:
		return &c.townSteps
	case colHandover:
		return &c.handover
	case colBody:
		return &c.body
	case colHow:
		return &c.how
	}
	return nil
}

// columnOf tells the meaning of a header cell (not the first) by its words.
func columnOf(h string) column {
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(h, w) {
				return true
			}
		}
		return false
	}
	bodyish := has("部门", "单位", "主体", "机构")
	wayish := has("方式", "方法", "措施")
	receiving := has("承接", "接收", "收回", "回收", "上收")
	town := has("乡", "镇", "街道", "苏木")
	switch {
	case has("类别", "类型", "分类", "领域", "板块"):
		return colCategory
	case has("名称") && bodyish && !has("事项"):
		return colLeads // 部门名称, under 上级部门
	case has("名称") || isNameHeader(h):
		return colName
	case receiving && bodyish && wayish, has("承接") && has("及"):
		return colHandover // 承接部门及工作方式, 承接单位及方式
	case wayish:
		return colHow // 工作方式, 承接方式, 收回后工作方式
	case receiving:
		return colBody // 承接部门, 收回部门, 接收单位
	case has("配合") && !(bodyish && !has("职责", "事项", "内容", "任务")):
		return colTownSteps // 乡配合职责, 镇街配合职责
	case town && has("职责", "职能", "内容", "任务") && !has("部门", "单位"):
		return colTownSteps // 乡镇（街道）职责, 街道职责
	case has("职责", "职能") || bodyish && has("内容", "任务"):
		return colLeadSteps // 上级部门职责, 部门职责, 县级部门工作内容
	case bodyish || has("牵头", "主责"):
		return colLeads // 对应上级部门, 牵头部门, 配合部门
	}
	return colOther
}

// isUnnumberedHeader reports a header row without a 序号 column (事项类别,
// 事项名称, …): it has a 事项名称 column and at least one other, and every
// cell is a short column name that columnOf knows, or a column the parser
// ignores (备注).
func isUnnumberedHeader(cells []string) bool {
	name, k := false, 0
	for _, c := range cells {
		h := clean(c)
		if h == "" {
			continue
		}
		if utf8.RuneCountInString(h) > 12 || isHeaderCell(h) {
			return false
		}
		switch columnOf(h) {
		case colName:
			name = true
		case colOther:
			if !isIgnoredHeader(h) {
				return false
			}
		}
		k++
	}
	return name && k >= 2
}

// isIgnoredHeader reports the columns a table may have that the items do
// not use: 备注, 说明, 履职依据.
func isIgnoredHeader(h string) bool {
	switch h {
	case "备注", "说明", "备注说明", "依据", "履职依据", "法律依据", "政策依据", "设定依据":
		return true
	}
	return false
}

// isNameHeader reports the headers that name the item without 名称 in them:
// 事项, 履职事项, 具体事项, 事项内容, 工作内容.
func isNameHeader(h string) bool {
	switch h {
	case "事项", "事项内容", "内容", "工作内容", "履职内容", "工作事项":
		return true
	}
	return strings.HasSuffix(h, "事项") && !strings.ContainsAny(h, "配收回")
}

// label returns the header of column i.
func (c columns) label(i int) string {
	if i >= 0 && i < len(c.labels) && c.labels[i] != "" {
		return c.labels[i]
	}
	return "cell"
}
