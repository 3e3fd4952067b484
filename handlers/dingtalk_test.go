package handlers

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"dutybot/bot"
)

// A DingTalk-shaped channel, written as a channel is added: its adapter
// (decode the robot's callback, declare the format, encode the reply) and
// its wiring (Options.Extra), with nothing changed in bot or in the other
// channels. DingTalk's group robot shows markdown, in less room than
// WeCom's stream, so a single item comes in brief first, as on WeChat.
var dingFormat = bot.Format{Markdown: true, Limit: 3000}

// dingTalk is the adapter: {"msgtype":"text","text":{"content"},
// "senderStaffId","msgId"} in, {"msgtype":"markdown","markdown":{"title",
// "text"}} out.
func dingTalk(b *bot.Bot) gin.HandlerFunc {
	return func(c *gin.Context) {
		var m struct {
			Text struct {
				Content string `json:"content"`
			} `json:"text"`
			Sender string `json:"senderStaffId"`
			MsgID  string `json:"msgId"`
		}
		if err := c.ShouldBindJSON(&m); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": "bad JSON"})
			return
		}
		a, err := b.Answer(c, bot.Question{Channel: "dingtalk", Format: dingFormat, User: m.Sender, MessageID: m.MsgID, Text: m.Text.Content})
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusOK, gin.H{"msgtype": "markdown", "markdown": gin.H{"title": "履职事项", "text": a.Text}})
	}
}

func TestDingTalkShapedChannel(t *testing.T) {
	var b *bot.Bot
	h := newHarness(t, Options{Extra: func(e *gin.Engine) { e.POST("/dingtalk", func(c *gin.Context) { dingTalk(b)(c) }) }})
	b = h.b
	ask := func(text string) string {
		t.Helper()
		w := h.do(apiPost("/dingtalk", `{"msgtype":"text","text":{"content":"`+text+`"},"senderStaffId":"staff1","msgId":"m-`+text+`"}`))
		var r struct {
			MsgType  string `json:"msgtype"`
			Markdown struct{ Title, Text string }
		}
		decodeJSON(t, w, &r)
		if w.Code != http.StatusOK || r.MsgType != "markdown" {
			t.Fatalf("%q: %d %+v", text, w.Code, r)
		}
		if len(r.Markdown.Text) > dingFormat.Limit {
			t.Errorf("%q: reply of %d bytes, over the channel's %d", text, len(r.Markdown.Text), dingFormat.Limit)
		}
		return r.Markdown.Text
	}
	// Markdown: the item's title in bold, paragraphs apart.
	first := ask("@履职助手 " + disabilityQuestion)
	if !strings.Contains(first, "**【") || !strings.Contains(first, disabilityItem) || !strings.Contains(first, "\n\n") {
		t.Errorf("answer is not the item in markdown:\n%s", first)
	}
	// Not Full: a single item comes in brief first, and 详情 shows the rest,
	// in markdown as well.
	if !strings.HasSuffix(first, "回复 详情 查看更多") {
		t.Errorf("the first answer is not brief:\n%s", first)
	}
	if more := ask("详情"); !strings.Contains(more, "**【") || len(more) <= len(first) {
		t.Errorf("详情 does not show the whole item in markdown:\n%s", more)
	}
	if qs := h.rec.Questions(); len(qs) == 0 || qs[0].Channel != "dingtalk" || qs[0].Text != disabilityQuestion {
		t.Errorf("recorded %+v, want the question under channel dingtalk, without the @-mention", qs)
	}
}
