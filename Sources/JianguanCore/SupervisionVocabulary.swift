/// The words of supervision records: what a problem is, what was done about it, who took part,
/// how a complaint came in. Each is written in records and files by its stable English code.
public protocol SupervisionTerm: RawRepresentable, CaseIterable, Codable, Sendable, Hashable
where RawValue == String {
  /// The Chinese name used in reports.
  var chineseName: String { get }
  /// What the term is called in messages ("category", "action", …).
  static var termName: String { get }
}

extension SupervisionTerm {
  /// Parses the code, or refuses naming `field` and listing the codes.
  public static func parse(_ text: String, field: String) throws -> Self {
    if let term = Self(rawValue: text) { return term }
    throw Rejection(
      "\(termName)_unknown",
      "\(field) \(Rejection.quote(text)) is not a \(termName) (\(allCases.map(\.rawValue).joined(separator: ", ")))"
    )
  }
}

/// The category of a problem found (问题类别).
public enum FindingCategory: String, SupervisionTerm {
  /// 隐形变异: disguised subject training, form not stated.
  case disguised
  /// 线上隐形变异: online, through chat groups or livestreams.
  case disguisedOnline = "disguised-online"
  /// 居民楼、住家一对一: one-to-one in flats.
  case disguisedFlat = "disguised-flat"
  /// 酒店宾馆: in hotels.
  case disguisedHotel = "disguised-hotel"
  /// 咖啡厅、茶室: in cafés.
  case disguisedCafe = "disguised-cafe"
  /// "高端家政": disguised as high-end housekeeping.
  case disguisedHousekeeping = "disguised-housekeeping"
  /// "众筹私教": crowd-funded private tutors.
  case disguisedCrowdfunded = "disguised-crowdfunded"
  /// "游学研学": study tours.
  case disguisedStudyTour = "disguised-study-tour"
  /// 冬令营、夏令营: camps.
  case disguisedCamp = "disguised-camp"
  /// 无证无照: operating without a licence.
  case unlicensed
  /// 安全隐患: safety hazard.
  case safetyHazard = "safety-hazard"
  /// 消防安全: fire safety.
  case fireSafety = "fire-safety"
  /// 违规广告: illegal advertising.
  case illegalAdvertising = "illegal-advertising"
  /// 在职教师违规补课: in-service teachers tutoring for pay.
  case inServiceTeacher = "in-service-teacher"
  /// 超额收费: charging beyond the limits.
  case overCharging = "over-charging"
  /// 其他: anything else, or not stated.
  case other

  public static let termName = "category"

  /// Whether it is one of the forms of disguised subject training (隐形变异).
  public var isDisguised: Bool { rawValue.hasPrefix("disguised") }

  public var chineseName: String {
    switch self {
    case .disguised: "隐形变异"
    case .disguisedOnline: "隐形变异（线上）"
    case .disguisedFlat: "隐形变异（居民楼一对一）"
    case .disguisedHotel: "隐形变异（酒店）"
    case .disguisedCafe: "隐形变异（咖啡厅）"
    case .disguisedHousekeeping: "隐形变异（“高端家政”）"
    case .disguisedCrowdfunded: "隐形变异（“众筹私教”）"
    case .disguisedStudyTour: "隐形变异（游学研学）"
    case .disguisedCamp: "隐形变异（营地）"
    case .unlicensed: "无证办学"
    case .safetyHazard: "安全隐患"
    case .fireSafety: "消防安全"
    case .illegalAdvertising: "违规广告"
    case .inServiceTeacher: "在职教师违规补课"
    case .overCharging: "超额收费"
    case .other: "其他"
    }
  }
}

/// What was done about a problem (处理措施).
public enum EnforcementAction: String, SupervisionTerm {
  /// 限期整改: rectify by a deadline.
  case rectify
  /// 停业通知书: stop-business notice.
  case stopBusiness = "stop-business"
  /// 取缔: banned.
  case ban
  /// 注销: deregistered.
  case deregister
  /// 罚款: fined.
  case fine
  /// 清退费用: refunds coordinated.
  case refund
  /// 分流学生: students redistributed.
  case redistribute
  /// 约谈: the organiser was summoned for a talk.
  case interview
  /// 依法处理 / 查处: dealt with according to law, details not stated.
  case handle

  public static let termName = "action"

  public var chineseName: String {
    switch self {
    case .rectify: "限期整改"
    case .stopBusiness: "停业通知"
    case .ban: "取缔"
    case .deregister: "注销"
    case .fine: "罚款"
    case .refund: "清退费用"
    case .redistribute: "分流学生"
    case .interview: "约谈"
    case .handle: "依法处理"
    }
  }
}

/// A department taking part (参与部门).
public enum Department: String, SupervisionTerm {
  case education
  case science
  case cultureTourism = "culture-tourism"
  case sports
  case marketRegulation = "market-regulation"
  case publicSecurity = "public-security"
  case fireRescue = "fire-rescue"
  case civilAffairs = "civil-affairs"
  /// 乡镇街道: the local (town or street) government.
  case localGovernment = "local-government"
  case other

  public static let termName = "department"

  public var chineseName: String {
    switch self {
    case .education: "教育"
    case .science: "科技"
    case .cultureTourism: "文化和旅游"
    case .sports: "体育"
    case .marketRegulation: "市场监管"
    case .publicSecurity: "公安"
    case .fireRescue: "消防救援"
    case .civilAffairs: "民政"
    case .localGovernment: "乡镇街道"
    case .other: "其他"
    }
  }
}

/// How far a problem or finding has got (整改进度).
public enum FollowUp: String, SupervisionTerm {
  /// Not yet rectified.
  case open
  /// 已整改: rectified.
  case rectified
  /// 已复查: rectification verified by a second visit.
  case verified

  public static let termName = "follow-up"

  public var chineseName: String {
    switch self {
    case .open: "未整改"
    case .rectified: "已整改"
    case .verified: "已复查"
    }
  }
}

/// The kind of a measure (工作举措).
public enum MeasureKind: String, SupervisionTerm {
  /// 印发通知: a policy document issued.
  case document
  /// 签订承诺书、责任书: pledges or responsibility letters signed.
  case pledge
  /// 公布举报电话: a hotline published.
  case hotline
  /// 聘任社会监督员: supervisors appointed.
  case supervisors
  /// 专项治理、排查: a campaign or survey.
  case campaign
  case other

  public static let termName = "measure kind"

  public var chineseName: String {
    switch self {
    case .document: "印发文件"
    case .pledge: "签订承诺"
    case .hotline: "公布举报电话"
    case .supervisors: "聘请监督员"
    case .campaign: "专项治理"
    case .other: "其他举措"
    }
  }
}

/// The channel of a complaint or tip (投诉举报渠道).
public enum ComplaintChannel: String, SupervisionTerm {
  case hotline
  /// The platform's parent app (监管平台家长端).
  case app
  case letter
  case email
  /// In person (来访).
  case visit
  case other

  public static let termName = "channel"

  public var chineseName: String {
    switch self {
    case .hotline: "热线电话"
    case .app: "家长端 APP"
    case .letter: "来信"
    case .email: "电子邮件"
    case .visit: "来访"
    case .other: "其他"
    }
  }
}

/// How a complaint was closed.
public enum ComplaintOutcome: String, SupervisionTerm {
  /// 属实: upheld, with action taken.
  case upheld
  /// 不属实: not upheld.
  case rejected
  /// 调解: mediated between parent and institution.
  case mediated
  /// 转办: referred to another department.
  case referred

  public static let termName = "outcome"

  public var chineseName: String {
    switch self {
    case .upheld: "属实已处理"
    case .rejected: "不属实"
    case .mediated: "已调解"
    case .referred: "已转办"
    }
  }
}
