import Testing

@testable import JianguanCore

@Suite struct RegionTableTests {
  let regions = TestSupport.regions

  @Test func loadsTheRealFiles() throws {
    #expect(regions.count == 3210)
    #expect(regions.provincesInOrder.count == 34)
    #expect(regions.provincesInOrder.first?.name == "北京市")
    #expect(regions.provincesInOrder.map(\.code) == regions.provincesInOrder.map(\.code).sorted())
    let hefei = try #require(regions.region("340100"))
    #expect(hefei.name == "合肥市" && hefei.level == .prefecture && hefei.parentCode == "340000")
  }

  @Test func hierarchy() throws {
    #expect(regions.displayName("340100") == "安徽省合肥市")
    #expect(regions.displayName("340104") == "安徽省合肥市蜀山区")
    #expect(regions.displayName("110101") == "北京市东城区")
    #expect(regions.displayName("110103") == "崇文区")  // retired: last name from history
    #expect(regions.displayName("999999") == "999999")
    #expect(regions.ancestry(of: "340104").map(\.code) == ["340104", "340100", "340000"])
    #expect(regions.ancestry(of: "110101").map(\.code) == ["110101", "110000"])
    #expect(regions.ancestry(of: "999999").isEmpty)
    #expect(regions.province(of: "340104")?.code == "340000")
    #expect(regions.province(of: "340000")?.code == "340000")
    #expect(regions.province(of: "110103")?.code == "110000")  // retired code placed by its digits
    #expect(regions.prefecture(of: "340104")?.code == "340100")
    #expect(regions.prefecture(of: "340100")?.code == "340100")
    #expect(regions.prefecture(of: "340000") == nil)
    #expect(regions.prefecture(of: "110101") == nil)
    #expect(regions.contains("340104", within: "340100"))
    #expect(regions.contains("340104", within: "340000"))
    #expect(regions.contains("340104", within: "340104"))
    #expect(!regions.contains("340104", within: "320000"))
    #expect(!regions.contains("340100", within: "340104"))
    #expect(regions.children(of: "340100").map(\.code).contains("340104"))
    #expect(regions.children(of: "340100").allSatisfy { $0.parentCode == "340100" })
  }

  @Test func everyParentIsAboveItsChild() {
    for province in regions.provincesInOrder {
      #expect(province.parentCode == nil)
      for child in regions.children(of: province.code) {
        #expect(child.level != .province)
        #expect(regions.province(of: child.code) == province)
      }
    }
  }

  @Test func everExisted() {
    #expect(regions.everExisted("340104"))
    #expect(regions.everExisted("110103"))
    #expect(!regions.everExisted("999999"))
    #expect(!regions.everExisted("34010"))
  }

  @Test func validatesCurrentCodes() throws {
    #expect(try regions.validateCurrent("340104", field: "region").name == "蜀山区")
    let cases: [(String, String)] = [
      ("34010", "region_code_not_six_digits"), ("３40104", "region_code_not_six_digits"),
      ("340104 ", "region_code_not_six_digits"), ("110103", "region_code_retired"),
      ("340199", "region_code_unknown"),
    ]
    for (text, code) in cases {
      #expect(TestSupport.rejectionCode { _ = try regions.validateCurrent(text, field: "region") } == code)
    }
    let unknown = TestSupport.rejection { _ = try regions.validateCurrent("340199", field: "region") }
    #expect(unknown?.message.contains("\"340199\"") == true)
  }

  @Test func refusesMalformedTables() {
    let history = "code,names_in_order,first_revision,last_revision,in_regions_csv\n"
    let bad: [String] = [
      "code,name,level\n110000,北京市,province\n",
      "code,name,level,parent_code\n110000,北京市,state,\n",
      "code,name,level,parent_code\n110000,北京市,province,\n110000,北京市,province,\n",
      "code,name,level,parent_code\n110101,东城区,county,110000\n",
      "code,name,level,parent_code\n110000,北京市,province,\n110101,东城区,county,\n",
      "code,name,level,parent_code\n11000,北京市,province,\n",
      "code,name,level,parent_code\n110000,\"北京市\",province,\n",
    ]
    for text in bad {
      #expect(
        TestSupport.rejectionCode { _ = try RegionTable(currentCSV: text, historyCSV: history) }
          == "region_table_malformed")
    }
    let good = "code,name,level,parent_code\r\n110000,北京市,province,\r\n110101,东城区,county,110000\r\n"
    #expect(throws: Never.self) { _ = try RegionTable(currentCSV: good, historyCSV: history) }
    #expect(
      TestSupport.rejectionCode {
        _ = try RegionTable(currentCSV: good, historyCSV: history + "110103,崇文区,198012,200912,maybe\n")
      } == "region_table_malformed")
  }

  @Test func parsesQuickly() throws {
    let current = try TestSupport.dataText("regions.csv")
    let history = try TestSupport.dataText("regions_history.csv")
    let clock = ContinuousClock()
    let elapsed = try clock.measure {
      for _ in 0..<3 { _ = try RegionTable(currentCSV: current, historyCSV: history) }
    }
    // Generous bound for a debug build on a 2-core machine; a release build is far faster.
    #expect(elapsed < .seconds(3))
  }
}
