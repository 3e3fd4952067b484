// Package seeds reads townships' duty lists (履职事项清单) into bot items, and
// embeds the default list, 伊宁市喀尔墩乡's.
//
// A duty list is published as a PDF with three tables: the township's basic
// duties (基本履职事项, refs B1…), the duties it does with a city body
// (配合履职事项, C1…), and the duties taken back by a body (收回事项, R1…).
// The text extracted from such a PDF is what Parse reads: markdown-ish
// headings name the tables and the township, and each table row is one line
// of tab-separated cells. The same tables saved as .csv or .xlsx are read the
// same way, found by the same headings or by their header rows; so are the
// Word documents (.docx) many townships publish, whose paragraphs are the
// headings and whose tables' rows are the rows (see docxRows). In a
// workbook a problem's line is the sheet's row; in a Word document it is
// the ordinal of the paragraph or table row, counted from the start.
//
// Other townships write the same tables differently, and the parser reads
// those layouts too: markdown pipe tables and HTML tables (with rowspan and
// colspan), headers whose columns are named or ordered otherwise (履职事项,
// 牵头部门, 部门职责, 乡镇（街道）职责, 收回部门…, see columnOf) or span two rows,
// tables without a 序号 column (their items are numbered in order),
// rows across a table naming the category (一、党的建设), and page footers
// (— 3 —, 第 3 页 共 20 页) or notes (填报单位：…) between the rows.
//
// The extraction is not clean, and the parser repairs what it can: header
// rows repeated at page breaks are skipped; an item that goes on over a page
// break, as a second row with the same 序号, is merged; steps written as HTML
// lists, as sections (一、…) or inline (1.…； 2.…；) become ordered step groups;
// stray spaces inside Chinese words are removed; department cells
// (市委组织部、机构编制委员会办公室，市人力资源和社会保障局) become full body names.
// What it cannot repair it reports as a Problem with the file and line, and
// goes on: a list with problems is still served.
//
// Bodies go into a bot.Directory with the names people and documents use for
// them: 市人社局 finds 市人力资源和社会保障局. The aliases come from a table of
// standard abbreviations of Chinese government bodies (see names.go) and from
// the names themselves, without their 市/县 prefix.
package seeds
