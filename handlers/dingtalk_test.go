package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"dutybot/bot"
)

// A DingTalk-shaped channel, written as a channel is added: its adapter
// (decode the robot's callback, declare the format, encode the reply) and
// its wiring (Options.Extra), with nothing changed in bot or in the other
// channels. DingTalk's group robot shows markdown, in less room than
// WeCom's stream, so a single item comes in brief first, as on WeChat; a
// numbered choice comes as an action card whose buttons send the number
// back.
var dingFormat = bot.Format{Markdown: true, Limit: 3000, Buttons: true}

// dingTalk is the adapter: {"msgtype":"text","text":{"content"},
// "senderStaffId","msgId"} in, {"msgtype":"markdown","markdown":{"title",
// "text"}} out, or {"msgtype":"actionCard","actionCard":{"title","text",
// "btns":[{"title","actionURL"}]}} for a choice.
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
		if len(a.Choices) > 0 {
			var btns []gin.H
			for i, it := range a.Choices {
				btns = append(btns, gin.H{"title": it.Name, "actionURL": "dtmd://dingtalkclient/sendMessage?content=" + strconv.Itoa(i+1)})
			}
			c.JSON(http.StatusOK, gin.H{"msgtype": "actionCard", "actionCard": gin.H{"title": "请选择事项", "text": a.Text, "btns": btns}})
			return
		}
		c.JSON(http.StatusOK, gin.H{"msgtype": "markdown", "markdown": gin.H{"title": "履职事项", "text": a.Text}})
	}
}

func TestDingTalkShapedChannel(t *testing.T) {
	var b *bot.Bot
	h := newHarness(t, Options{Extra: func(e *gin.Engine) { e.POST("/dingtalk", func(c *gin.Context) { dingTalk(b)(c) }) }})
	b = h.b
	type card struct {
		Title, Text string
		Btns        []struct{ Title, ActionURL string }
	}
	send := func(text string) (msgType, body string, c card) {
		t.Helper()
		w := h.do(apiPost("/dingtalk", `{"msgtype":"text","text":{"content":"`+text+`"},"senderStaffId":"staff1","msgId":"m-`+text+`"}`))
		var r struct {
			MsgType    string `json:"msgtype"`
			Markdown   struct{ Title, Text string }
			ActionCard card `json:"actionCard"`
		}
		decodeJSON(t, w, &r)
		if w.Code != http.StatusOK {
			t.Fatalf("%q: %d %+v", text, w.Code, r)
		}
		body = r.Markdown.Text + r.ActionCard.Text
		if len(body) > dingFormat.Limit {
			t.Errorf("%q: reply of %d bytes, over the channel's %d", text, len(body), dingFormat.Limit)
		}
		return r.MsgType, body, r.ActionCard
	}
	ask := func(text string) string {
		t.Helper()
		mt, body, _ := send(text)
		if mt != "markdown" {
			t.Fatalf("%q: %s, want markdown", text, mt)
		}
		return body
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
	// Buttons: a choice is an action card whose buttons name the items and
	// send their number; the text does not list them; the number picks.
	mt, text, c := send("补贴")
	if mt != "actionCard" || len(c.Btns) < 2 || strings.Contains(text, "1. ") || !strings.Contains(text, "请点选") {
		t.Fatalf("a choice: %s %q %+v, want an action card with buttons", mt, text, c)
	}
	for i, b := range c.Btns {
		if b.Title == "" || !strings.HasSuffix(b.ActionURL, "content="+strconv.Itoa(i+1)) {
			t.Errorf("button %d: %+v", i+1, b)
		}
	}
	if got := ask("2"); !strings.Contains(got, c.Btns[1].Title[:min(len(c.Btns[1].Title), 30)]) {
		t.Errorf("2 after the choice: %q, want the second item, %s", got, c.Btns[1].Title)
	}
}
