package nlp

import (
	"encoding/json"
	"os"
	"regexp"
	"sync"
	"testing"

	"dutybot/configs"
)

// The shared fixtures: the documents of testdata/items.json (a township's
// duty list, as the caller would pass it) and an analyser built like the
// server's, with the embedded synonym table. Building the analyser takes a
// few tens of milliseconds, so it is built once.

var (
	fixtureOnce sync.Once
	fixtureDocs []Doc
	fixtureAn   *Analyzer
	fixtureErr  error
)

// fixtureFields are the fields and weights the server uses.
var fixtureFields = []Field{
	{Name: "name", Weight: 3},
	{Name: "category", Weight: 0.5},
	{Name: "bodies", Weight: 1},
	{Name: "township_steps", Weight: 1},
	{Name: "lead_steps", Weight: 0.6},
	{Name: "handover", Weight: 1},
}

var phraseBreak = regexp.MustCompile(`[，、,（）()“”"；;：:\s]+`)

// vocabularyOf returns the words of docs a caller would pass: names and
// their phrases, categories, body names.
func vocabularyOf(docs []Doc) []string {
	var v []string
	for _, d := range docs {
		v = append(v, d.Fields["name"], d.Fields["category"])
		v = append(v, phraseBreak.Split(d.Fields["name"], -1)...)
		v = append(v, phraseBreak.Split(d.Fields["bodies"], -1)...)
	}
	return v
}

func loadFixture() {
	data, err := os.ReadFile("testdata/items.json")
	if err != nil {
		fixtureErr = err
		return
	}
	var raw []struct {
		ID     string            `json:"id"`
		Fields map[string]string `json:"fields"`
	}
	if fixtureErr = json.Unmarshal(data, &raw); fixtureErr != nil {
		return
	}
	for _, r := range raw {
		fixtureDocs = append(fixtureDocs, Doc{ID: r.ID, Fields: r.Fields})
	}
	syn, err := ParseSynonyms(configs.SynonymsFile, configs.Synonyms)
	if err != nil {
		fixtureErr = err
		return
	}
	fixtureAn, fixtureErr = NewAnalyzer(AnalyzerOptions{
		Vocabulary: vocabularyOf(fixtureDocs),
		Synonyms:   syn,
		StopWords:  []string{"伊宁市", "伊宁"},
	})
}

// mustFixture returns the shared documents and analyser.
func mustFixture(tb testing.TB) ([]Doc, *Analyzer) {
	tb.Helper()
	fixtureOnce.Do(loadFixture)
	if fixtureErr != nil {
		tb.Fatalf("fixture: %v", fixtureErr)
	}
	return fixtureDocs, fixtureAn
}

// mustAnalyzer builds an analyser for small made-up tests.
func mustAnalyzer(tb testing.TB, table string, vocabulary ...string) *Analyzer {
	tb.Helper()
	syn, err := ParseSynonyms("test.txt", []byte(table))
	if err != nil {
		tb.Fatalf("ParseSynonyms: %v", err)
	}
	a, err := NewAnalyzer(AnalyzerOptions{Vocabulary: vocabulary, Synonyms: syn})
	if err != nil {
		tb.Fatalf("NewAnalyzer: %v", err)
	}
	return a
}

// sampleQuestions are made-up questions in villagers' words, for the
// benchmarks and the invariant tests (not the evaluation questions).
var sampleQuestions = []string{
	"我家老人九十多岁了 高龄补贴怎么领",
	"村里有人乱倒建筑垃圾 找谁",
	"办残疾证要什么材料",
	"宅急地审批要多久",
	"邻居家的狗老是咬人",
	"农药瓶子扔得到处都是没人管",
	"想开个农家乐 要办什么手续",
	"在工地干活受伤了 老板不给钱",
	"小孩打疫苗去哪打",
	"家里房子墙裂缝了 住着不安全",
	"河道里有人偷偷挖沙",
	"村里的路灯坏了好久了",
	"想给刚生的孩子上户口",
	"超市卖过期食品向谁举报",
	"合作社怎么注册",
	"草原上有人乱放牧",
	"麦子地里生虫子了 有没有技术员来看看",
	"种子买到假的了 不出苗",
	"低保怎么申请",
	"残疾人补贴一个月多少钱",
	"请问，退伍军人有什么优待？",
	"今天天气怎么样",
}
