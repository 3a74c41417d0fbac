import JianguanCore
import JianguanLedger
import Testing

/// Supervision entries encode flat (`id` beside the record's fields) and decode back equal.
@Suite struct SupervisionEventsTests {
  static let day = CalendarDate(year: 2023, month: 1, day: 12)!

  @Test func anActionRoundTripsThroughItsCanonicalPayload() throws {
    var action = SupervisionAction(date: Self.day, region: "340100")
    action.personVisits = 246
    action.problems = [ProblemGroup(category: .safetyHazard, count: 6, actions: [.rectify])]
    action.refundsFen = 1_500_000
    let event = Event.supervisionAction(SupervisionActionRecorded(id: "SA1", body: action))
    #expect(event.kind == "supervision.action")
    let text = event.payload.canonicalText
    #expect(
      text.hasPrefix(
        "{\"date\":\"2023-01-12\",\"departments\":[],\"experience\":false,\"figures\":[],\"id\":\"SA1\""))
    #expect(text.contains("\"personVisits\":246"))
    #expect(
      text.contains(
        "\"problems\":[{\"actions\":[\"rectify\"],\"category\":\"safety-hazard\",\"count\":6,\"followUp\":\"open\"}]"
      ))
    #expect(!text.contains("teams"))
    let decoded = try Event(kind: event.kind, payload: CanonicalJSONParser.parse(Array(text.utf8)))
    #expect(decoded == event)
  }

  @Test func aFindingFollowedBeforeItWasMadeIsAFault() {
    var state = LedgerState()
    _ = state.apply(.genesis(Genesis(authority: "a", region: "340100", origin: "o")), seq: 1)
    var finding = FindingRecord(date: Self.day, region: "340104", category: .unlicensed)
    finding.operatorName = "某培训点"
    finding.actions = [.ban]
    #expect(state.apply(.findingAdded(FindingAdded(id: "F1", body: finding)), seq: 2).isEmpty)
    let early = FindingFollowedUp(
      id: "F1", body: FollowUpNote(date: CalendarDate(year: 2023, month: 1, day: 1)!, note: "x"))
    #expect(
      state.apply(.findingRectified(early), seq: 3).map(\.message) == [
        "finding F1 is rectified before it was found"
      ])
    let verifyAgain = FindingFollowedUp(id: "F1", body: FollowUpNote(date: Self.day, note: "x"))
    #expect(state.apply(.findingRectified(verifyAgain), seq: 4).count == 1)
    var unknown = finding
    unknown.operatorName = nil
    unknown.institution = "52340104MJ000000XX"
    #expect(state.apply(.findingAdded(FindingAdded(id: "F2", body: unknown)), seq: 5).count == 1)
  }
}
