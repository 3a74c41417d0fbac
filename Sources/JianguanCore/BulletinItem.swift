/// One recorded action or measure as the bulletin writes it: its narrative and the figures the
/// narrative's placeholders render. A record without narrative gets a sentence made from its
/// figures, through the same placeholders.
public struct BulletinItem: Sendable, Equatable {
  public let id: String
  public let region: String
  public let experience: Bool
  public let headline: String?
  public let template: NarrativeTemplate
  public let values: [String: NarrativeValue]

  public init(id: String, action: SupervisionAction, regions: RegionTable) {
    self.init(id: id, record: action, fallback: Self.sentence(for: action, regions: regions))
  }

  public init(id: String, measure: SupervisionMeasure, regions: RegionTable) {
    self.init(id: id, record: measure, fallback: Self.sentence(for: measure, regions: regions))
  }

  init(id: String, record: some NarratedRecord, fallback: String) {
    self.id = id
    region = record.region
    experience = record.experience
    headline = record.headline
    values = record.narrativeValues
    let text = record.text ?? fallback
    template =
      (try? NarrativeTemplate(text, field: "text"))
      ?? NarrativeTemplate(unchecked: [.literal(text)])
  }

  /// The narrative with its figures; `marked` wraps each figure in ⟦ ⟧.
  public func render(marked: Bool = false) -> String { template.render(values, marked: marked) }

  /// Where the item happened, below its province: "合肥市", "丽水市缙云县"; empty for a province.
  static func place(_ code: String, regions: RegionTable) -> String {
    regions.ancestry(of: code).reversed().dropFirst().map(\.name).joined()
  }

  static func sentence(for action: SupervisionAction, regions: RegionTable) -> String {
    var parts = ["\(place(action.region, regions: regions))开展\(action.title == nil ? "校外培训专项检查" : "{title}")"]
    if action.departmentCount != nil || !action.departments.isEmpty { parts.append("{departments}个部门参与") }
    if action.personVisits != nil { parts.append("出动检查人员{personVisits}人次") }
    if action.teams != nil { parts.append("组建检查组{teams}个") }
    if action.institutionsChecked != nil { parts.append("检查机构{institutionsChecked}家次") }
    if !action.problems.isEmpty {
      let detail = action.problems.map { group in
        let done = group.actions.map(\.chineseName).joined(separator: "、")
        return "\(group.category.chineseName)问题{problems.\(group.category.rawValue)}个"
          + (done.isEmpty ? "" : "，已\(done)")
          + (group.followUp == .open ? "" : "，\(group.followUp.chineseName)")
      }
      parts.append("发现问题{problems}个（其中" + detail.joined(separator: "；") + "）")
    }
    if action.refundsFen != nil { parts.append("协调退费{refundsFen}元") }
    if action.finesFen != nil { parts.append("罚款{finesFen}元") }
    if action.studentsRedistributed != nil { parts.append("分流学生{studentsRedistributed}人") }
    parts += action.figures.map { "\($0.label){\($0.key)}" }
    return parts.joined(separator: "，") + "。"
  }

  static func sentence(for measure: SupervisionMeasure, regions: RegionTable) -> String {
    let place = place(measure.region, regions: regions)
    var parts: [String]
    if measure.kind == .document {
      parts = ["\(place)印发{title}"]
    } else {
      parts = ["\(place)\(measure.kind.chineseName)" + (measure.title == nil ? "" : "：{title}")]
    }
    parts += measure.figures.map { "\($0.label){\($0.key)}" }
    return parts.joined(separator: "，") + "。"
  }
}

extension NarrativeTemplate {
  /// A template of segments already known to be sound.
  init(unchecked segments: [Segment]) { self.segments = segments }
}
