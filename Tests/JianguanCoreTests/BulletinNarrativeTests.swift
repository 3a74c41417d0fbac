import JianguanCore
import Testing

/// The narrative template: figures only through placeholders, rendered exactly.
@Suite struct BulletinNarrativeTests {
  static func refusal(_ text: String, _ values: [String: NarrativeValue] = [:]) -> String? {
    do {
      try NarrativeTemplate(text, field: "text").checkKeys(against: values, field: "text")
      return nil
    } catch let rejection as Rejection {
      return rejection.code
    } catch {
      return "\(error)"
    }
  }

  @Test func figuresWrittenAsTextAreRefused() {
    #expect(Self.refusal("出动检查人员246人次") == "narrative_has_bare_figure")
    #expect(Self.refusal("出动检查人员２４６人次") == "narrative_full_width_digit")
    #expect(Self.refusal("2023年寒假，采取“3+3”方式，印发《关于做好 2023 年工作的通知》") == nil)
    #expect(Self.refusal("共 {personVisits} 人次", ["personVisits": .count(246)]) == nil)
    #expect(
      Self.refusal("共 {personVisit} 人次", ["personVisits": .count(246)]) == "narrative_placeholder_unknown")
    #expect(Self.refusal("共 {personVisits 人次") == "narrative_brace_unbalanced")
    #expect(Self.refusal("共 {personVisits:big} 人次") == "narrative_style_unknown")
    #expect(Self.refusal("退费 {refundsFen:cn}", ["refundsFen": .fen(100)]) == "narrative_style_mismatch")
  }

  @Test func placeholdersRenderTheirValues() throws {
    let template = try NarrativeTemplate("打造{n:cn}个，退费 {fen:wan}余元，{title}，共{n}个", field: "text")
    let values: [String: NarrativeValue] = ["n": .count(10), "fen": .fen(1_500_000), "title": .text("《通知》")]
    #expect(template.render(values) == "打造十个，退费 1.5 万余元，《通知》，共10个")
    #expect(template.render(values, marked: true) == "打造⟦十⟧个，退费 ⟦1.5 万⟧余元，⟦《通知》⟧，共⟦10⟧个")
  }

  @Test func chineseNumerals() {
    let cases: [(Int64, String)] = [
      (0, "零"), (5, "五"), (10, "十"), (12, "十二"), (22, "二十二"), (108, "一百零八"), (1010, "一千零一十"),
      (17267, "一万七千二百六十七"),
    ]
    for (value, text) in cases { #expect(ChineseNumeral.format(value) == text) }
  }

  @Test func importErrorsNameTheirPosition() throws {
    let regions = try BulletinGoldenTests.regions()
    let day = CalendarDate(year: 2023, month: 1, day: 12)!
    func refusal(_ records: String) -> String {
      let file = "{\"format\": \"jianguan-supervision/1\", \"records\": [\(records)]}"
      do {
        _ = try SupervisionFile.parse(Array(file.utf8), file: "f.json", regions: regions, today: day)
        return "accepted"
      } catch let rejection as Rejection {
        return rejection.message
      } catch {
        return "\(error)"
      }
    }
    let ok =
      "{\"type\": \"measure\", \"date\": \"2023-01-12\", \"region\": \"340100\", \"kind\": \"hotline\"}"
    #expect(refusal(ok) == "accepted")
    #expect(
      refusal(
        ok
          + ", {\"type\": \"action\", \"date\": \"2023-01-12\", \"region\": \"340100\", \"personVisits\": -3}"
      )
        == "records[1].personVisits -3 is negative; counts are 0 or more")
    #expect(
      refusal("{\"type\": \"action\", \"date\": \"2023-01-12\", \"region\": \"990000\"}").hasPrefix(
        "records[0].region \"990000\""))
    #expect(
      refusal("{\"type\": \"action\", \"date\": \"2023-01-12\", \"region\": \"340100\", \"visits\": 3}")
        == "records[0].visits is not a field of this record (a typo?)")
    let nested = """
      {"type": "action", "date": "2023-01-12", "region": "340100",
       "problems": [{"category": "unlicensed", "count": 1}],
       "findings": [{"operatorName": "x", "category": "unlicensed", "actions": ["ban"]},
                    {"operatorName": "y", "category": "unlicenced", "actions": ["ban"]}]}
      """
    #expect(refusal(nested).hasPrefix("records[0].findings[1].category \"unlicenced\" is not a category"))
    let deadline = """
      {"type": "finding", "date": "2023-01-12", "region": "340104", "operatorName": "x", "category": "unlicensed",
       "actions": ["rectify"], "deadline": "2023-01-02"}
      """
    #expect(refusal(deadline).hasPrefix("records[0].deadline \"2023-01-02\" is before the finding's date"))
    #expect(refusal("[]").hasPrefix("records[0] must be an object"))
  }
}
