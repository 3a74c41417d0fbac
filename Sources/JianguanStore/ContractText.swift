import JianguanCore
import JianguanLedger

/// The e-contract as text, with the headings of the model contract GF-2021-2604
/// (中小学生校外培训服务合同（示范文本）): parties, the training, fees, fund supervision, refunds.
public enum ContractText {
  public static func render(_ document: ContractDocument) -> String {
    let t = document.terms
    let perHourFen = t.amountFen / t.hours
    let lastHourFen = t.amountFen - perHourFen * (t.hours - 1)
    let parentName = document.parentName ?? "（姓名已加密保存）"
    let studentName = document.studentMaskedName ?? "（姓名已加密保存）"
    let mode =
      t.mode == "reserve"
      ? "风险保证金：机构在监管银行存缴风险保证金"
      : "银行托管：培训费全部进入机构在监管银行开设的唯一监管账户，按课消逐次拨付"
    var lines: [String] = []
    lines.append("中小学生校外培训服务合同（电子合同，依示范文本 \(t.template)）")
    lines.append("合同编号：\(t.enrollment)（台账第 \(document.seq) 号条目）")
    lines.append("")
    lines.append("甲方（培训机构）：\(t.institutionName)")
    lines.append("  统一社会信用代码：\(t.institution)；办学许可证：\(t.licence)")
    lines.append("乙方（学员监护人）：\(parentName)（\(t.parent)，身份证号 \(document.parentMaskedID)）")
    lines.append(
      "学员：\(studentName)（\(t.student)，身份证号 \(document.studentMaskedID)，\(document.studentGrade) 年级）")
    lines.append("")
    lines.append("第一条 培训项目")
    lines.append("  课程名称：\(t.courseName)（\(t.course)），班级 \(t.classID)")
    lines.append("  培训方式：\(t.delivery == "online" ? "线上" : "线下")；每课时 \(t.lessonMinutes) 分钟")
    lines.append("  培训期间：\(t.starts) 至 \(t.ends)")
    lines.append("第二条 课时与收费标准")
    lines.append("  课时：\(t.hours) 课时")
    lines.append("  收费标准：\(Money.formatYuan(t.pricePerHourFen)) 元/课时（公示价）")
    lines.append("  本次收费：\(Money.formatYuan(t.amountFen)) 元（\(t.hours) 课时）")
    lines.append("第三条 资金监管方式")
    lines.append("  \(mode)")
    lines.append("  监管银行：\(t.escrowBank)，监管账户：\(t.escrowAccount)")
    lines.append(
      "  消课：一课一消，每课时拨付 \(Money.formatYuan(perHourFen)) 元，最后一课时拨付余额 \(Money.formatYuan(lastHourFen)) 元")
    lines.append("  乙方确认后拨付；\(t.confirmationWindowWorkingDays) 个工作日内未确认亦未异议的，视为确认")
    lines.append("第四条 退费规则")
    lines.append("  未消课时，乙方可随时申请退费，退费金额按每课时 \(Money.formatYuan(perHourFen)) 元计（退尽时退还全部余额）")
    lines.append("  甲方应在申请之日后 \(t.refundAnswerWorkingDays) 个工作日内答复；逾期未答复的，视为同意")
    lines.append("  同意退费的，由监管账户按原支付渠道退回乙方（原支付流水号 \(t.paymentBankRef)）")
    lines.append("  甲方拒绝的，乙方可向教育行政部门投诉，由其处理决定")
    lines.append("第五条 合同订立")
    lines.append("  乙方支付之时合同成立：\(t.signedAt)")
    return lines.joined(separator: "\n")
  }
}
