package nlp_test

import (
	"fmt"

	"dutybot/nlp"
)

func ExampleNormalize() {
	fmt.Printf("%q\n", nlp.Normalize("请问，ＡＢＣ１２３宅基地 审批？😀"))
	// Output:
	// "请问 abc123宅基地审批"
}

func ExampleParseSynonyms() {
	table := "低保, 吃低保 => 最低生活保障 / 生活困难 低收入\n"
	s, err := nlp.ParseSynonyms("synonyms.txt", []byte(table))
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Lookup("吃低保"))

	_, err = nlp.ParseSynonyms("synonyms.txt", []byte("低保 最低生活保障\n"))
	fmt.Println(err)
	// Output:
	// [[最低生活保障] [生活困难 低收入]]
	// synonyms.txt:1: missing "=>" in "低保 最低生活保障"
}

func ExampleAnalyzer_Analyze() {
	a, err := nlp.NewAnalyzer(nlp.AnalyzerOptions{Vocabulary: []string{"网格员"}})
	if err != nil {
		panic(err)
	}
	// Filler goes, a long word brings its known parts, and characters
	// outside the dictionary stay alone and pair up as bigrams.
	fmt.Println(a.Analyze("请问网格员怎么办理残疾人证？"))
	fmt.Println(a.Analyze("家庭农场赋码"))
	// Output:
	// [网格 网格员 残疾 残疾人 残疾人证]
	// [家庭 农场 家庭农场 赋 码 赋码]
}

func ExampleIndex_Search() {
	syn, err := nlp.ParseSynonyms("synonyms.txt", []byte(
		"残疾证 => 残疾人证\n狗 => 犬只\n狗咬人 => 犬只 伤人\n"))
	if err != nil {
		panic(err)
	}
	a, err := nlp.NewAnalyzer(nlp.AnalyzerOptions{
		Vocabulary: []string{"残疾人证", "宅基地", "犬只"},
		Synonyms:   syn,
	})
	if err != nil {
		panic(err)
	}
	docs := []nlp.Doc{
		{ID: "C16", Fields: map[string]string{"name": "残疾人证办理", "steps": "指导申请人填写申请表"}},
		{ID: "B62", Fields: map[string]string{"name": "农村宅基地审批及建房审批管理", "steps": "受理宅基地申请"}},
		{ID: "C46", Fields: map[string]string{"name": "流浪犬只的控制和处置管理", "steps": "对伤人犬只进行处置"}},
	}
	fields := []nlp.Field{{Name: "name", Weight: 3}, {Name: "steps", Weight: 1}}
	ix := nlp.NewIndex(a, fields, docs, nlp.Params{K1: 1.2, B: 0.75})

	for _, q := range []string{"办残疾证找谁", "宅急地审批", "邻居家狗咬人了"} {
		r := ix.Search(q, 1)
		h := r.Hits[0]
		// Matches say which terms of the question (or of their synonyms
		// and sound-alikes) the item has, in which fields; their scores add
		// up to the item's.
		var why []string
		sum := 0.0
		for _, m := range h.Matches {
			why = append(why, m.Term+"/"+m.Field)
			sum += m.Score
		}
		fmt.Printf("%s → %s %v, explained: %v\n", q, h.ID, why, sum == h.Score)
	}
	// Output:
	// 办残疾证找谁 → C16 [残疾人证/name], explained: true
	// 宅急地审批 → B62 [审批/name 宅基地/name 宅基地/steps], explained: true
	// 邻居家狗咬人了 → C46 [犬只/name 犬只/steps 伤人/steps], explained: true
}
