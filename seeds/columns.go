package seeds

import (
	"strings"

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
	c, _ := headerColumns(labels)
	return c
}

// headerColumns reads a header row (序号, 事项类别, 事项名称, …). Columns are
// recognised by what their names contain, so that 镇配合职责, 街道配合职责 and
// 承接部门 + 工作方式 are understood; others are ignored. ok is false when
// there is no 事项名称 column.
func headerColumns(cells []string) (columns, bool) {
	c := columns{n: len(cells), seq: 0, category: -1, name: -1, leads: -1,
		leadSteps: -1, townSteps: -1, handover: -1, body: -1, how: -1}
	for i, raw := range cells {
		h := clean(raw)
		c.labels = append(c.labels, h)
		set := func(dst *int) {
			if *dst < 0 {
				*dst = i
			}
		}
		switch {
		case i == 0:
		case strings.Contains(h, "类别") || strings.Contains(h, "类型") || h == "分类" || h == "领域":
			set(&c.category)
		case strings.Contains(h, "名称") || h == "事项" || h == "事项内容" || h == "履职事项":
			set(&c.name)
		case strings.Contains(h, "配合"):
			set(&c.townSteps)
		case strings.Contains(h, "承接") && (strings.Contains(h, "方式") || strings.Contains(h, "及")):
			set(&c.handover)
		case strings.Contains(h, "承接") || h == "接收部门":
			set(&c.body)
		case strings.Contains(h, "方式"):
			set(&c.how)
		case strings.Contains(h, "职责"):
			set(&c.leadSteps)
		case strings.Contains(h, "部门") || strings.Contains(h, "单位"):
			set(&c.leads)
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

// label returns the header of column i.
func (c columns) label(i int) string {
	if i >= 0 && i < len(c.labels) && c.labels[i] != "" {
		return c.labels[i]
	}
	return "cell"
}
