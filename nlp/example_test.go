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
	// [家庭 农场 赋 码 赋码]
}

func ExampleIndex_Search() {
	syn, err := nlp.ParseSynonyms("synonyms.txt", []byte(
		"残疾证 => 残疾人证\n狗 => 犬只\n"))
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
		fmt.Printf("%s → %s (%.0f%% of the maximum)\n", q, h.ID, 100*h.Score/r.Max)
		for _, m := range h.Matches {
			fmt.Printf("    %s in %s: %.2f\n", m.Term, m.Field, m.Score)
		}
	}
	// Output:
	// 办残疾证找谁 → C16 (100% of the maximum)
	//     残疾人证 in name: 1.14
	// 宅急地审批 → B62 (100% of the maximum)
	//     审批 in name: 1.73
	//     宅基地 in name: 0.88
	//     宅基地 in steps: 0.41
	// 邻居家狗咬人了 → C46 (43% of the maximum)
	//     犬只 in name: 0.87
	//     犬只 in steps: 0.31
}
