import Mustache

/// The pages' Mustache templates, compiled into the binary. `{{x}}` escapes HTML; `{{{x}}}` is
/// used only for markup the server built itself (charts, a page's body).
enum WebTemplates {
  static let library: MustacheLibrary = {
    var library = MustacheLibrary()
    for (name, text) in templates {
      do {
        try library.register(text, named: name)
      } catch {
        preconditionFailure("template \(name) does not parse: \(error)")
      }
    }
    return library
  }()

  static let templates: [String: String] = [
    "layout": """
    <!doctype html>
    <html lang="zh-CN">
    <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · {{bureau}} 校外培训资金监管</title>
    <link rel="stylesheet" href="/static/site.css"></head>
    <body>
    <a class="skip" href="#main">跳到正文</a>
    <header class="top"><div class="brand">监管 · {{bureau}}</div>
    <nav aria-label="主导航">{{#nav}}<a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/nav}}</nav>
    {{#who}}<form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button>退出（{{who}}）</button></form>{{/who}}
    </header>
    <main id="main">
    {{#flash}}<p class="flash {{kind}}" role="{{role}}">{{message}}</p>{{/flash}}
    {{{body}}}
    </main>
    <footer>{{bureau}} · 账本共 {{ledgerSize}} 条记录 · 金额单位：元 · {{today}}</footer>
    </body></html>
    """,
    "login": """
    <h1>登录</h1>
    <section><p>监管部门、培训机构、银行、家长与审计人员使用本局签发的凭证登录（<code>jianguan credential issue</code>）。</p>
    <form method="post" action="/login" class="row">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="token">凭证 <input id="token" name="token" type="password" autocomplete="off" required size="40"></label>
    <button>登录</button></form></section>
    """,
    "public": """
    <h1>校外培训机构公示名单</h1>
    <section><form method="get" action="/" class="row" role="search">
    <label for="q">名称或统一社会信用代码 <input id="q" name="q" value="{{q}}" maxlength="50"></label>
    <label for="district">区县 <select id="district" name="district"><option value="">全部</option>
    {{#districts}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/districts}}</select></label>
    <button>查询</button></form></section>
    <section aria-labelledby="white"><h2 id="white">白名单：证照齐全、正常经营（{{whiteCount}} 家）</h2>
    <div class="scroll"><table class="wide"><thead><tr><th>机构名称</th><th>统一社会信用代码</th><th>区县</th><th>类别</th><th>办学许可证</th><th>资金监管银行</th><th>码牌</th></tr></thead><tbody>
    {{#white}}<tr><td data-label="机构名称">{{name}}</td><td data-label="信用代码">{{uscc}}</td><td data-label="区县">{{district}}</td><td data-label="类别">{{kind}}</td><td data-label="许可证">{{licence}}</td><td data-label="监管银行">{{bank}}</td><td data-label="码牌"><a href="/plaque/{{uscc}}">查看码牌</a></td></tr>{{/white}}
    {{^white}}<tr><td colspan="7">没有符合条件的机构。</td></tr>{{/white}}
    </tbody></table></div></section>
    <section aria-labelledby="black"><h2 id="black">黑名单：已吊销（{{blackCount}} 家）</h2>
    <div class="scroll"><table class="wide"><thead><tr><th>机构名称</th><th>统一社会信用代码</th><th>区县</th><th>吊销原因</th><th>吊销日期</th></tr></thead><tbody>
    {{#black}}<tr><td data-label="机构名称">{{name}}</td><td data-label="信用代码">{{uscc}}</td><td data-label="区县">{{district}}</td><td data-label="原因">{{reason}}</td><td data-label="日期">{{date}}</td></tr>{{/black}}
    {{^black}}<tr><td colspan="5">没有符合条件的机构。</td></tr>{{/black}}
    </tbody></table></div></section>
    """,
    "regulator": """
    <h1>监管总览{{#regionName}}：{{regionName}}{{/regionName}}</h1>
    {{#up}}<p><a href="/regulator?region={{code}}">← 返回{{name}}</a></p>{{/up}}
    <div class="cards">
    <div class="card"><span>正常经营</span><b>{{active}}</b></div>
    <div class="card"><span>暂停</span><b>{{suspended}}</b></div>
    <div class="card"><span>吊销</span><b>{{revoked}}</b></div>
    <div class="card"><span>监管资金余额（元）</span><b>{{escrow}}</b></div>
    </div>
    <section aria-labelledby="drill"><h2 id="drill">分地区</h2>
    {{{chart}}}
    <div class="scroll"><table class="wide"><thead><tr><th>地区</th><th class="num">正常</th><th class="num">暂停</th><th class="num">吊销</th><th class="num">监管资金（元）</th></tr></thead><tbody>
    {{#regions}}<tr><td data-label="地区">{{#drill}}<a href="/regulator?region={{code}}">{{name}}</a>{{/drill}}{{^drill}}{{name}}{{/drill}}</td><td class="num" data-label="正常">{{active}}</td><td class="num" data-label="暂停">{{suspended}}</td><td class="num" data-label="吊销">{{revoked}}</td><td class="num" data-label="监管资金">{{escrow}}</td></tr>{{/regions}}
    </tbody></table></div></section>
    <section aria-labelledby="risk"><h2 id="risk">今日风险提示（{{riskCount}}）</h2>
    <div class="scroll"><table class="wide"><thead><tr><th>机构</th><th>地区</th><th>原因</th><th>情况</th></tr></thead><tbody>
    {{#risks}}<tr><td data-label="机构">{{name}}<br><span class="muted">{{uscc}}</span></td><td data-label="地区">{{region}}</td><td data-label="原因">{{reason}}</td><td data-label="情况">{{detail}}</td></tr>{{/risks}}
    {{^risks}}<tr><td colspan="4">今日无风险提示。</td></tr>{{/risks}}
    </tbody></table></div></section>
    <section aria-labelledby="coverage"><h2 id="coverage">全流程监管覆盖（近30日）</h2>
    <div class="scroll"><table class="wide"><thead><tr><th>地区</th><th class="num">在营</th><th class="num">监管账户</th><th class="num">近30日经监管缴费</th><th class="num">全流程</th></tr></thead><tbody>
    {{#coverage}}<tr><td data-label="地区">{{name}}</td><td class="num" data-label="在营">{{active}}</td><td class="num" data-label="监管账户">{{escrowAccount}}</td><td class="num" data-label="经监管缴费">{{paid}}</td><td class="num" data-label="全流程">{{full}}</td></tr>{{/coverage}}
    </tbody></table></div></section>
    <section aria-labelledby="institutions"><h2 id="institutions">机构</h2>
    <div class="scroll"><table class="wide"><thead><tr><th>机构名称</th><th>统一社会信用代码</th><th>状态</th><th class="num">监管资金（元）</th></tr></thead><tbody>
    {{#institutions}}<tr><td data-label="机构名称">{{name}}</td><td data-label="信用代码">{{uscc}}</td><td data-label="状态" class="status-{{status}}">{{statusText}}</td><td class="num" data-label="监管资金">{{escrow}}</td></tr>{{/institutions}}
    </tbody></table></div>
    {{#canAct}}<h3>暂停、恢复或吊销</h3>
    <form method="post" action="/regulator/institution-status" class="row">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="s-uscc">统一社会信用代码 <input id="s-uscc" name="uscc" required maxlength="18" size="20"></label>
    <label for="s-action">处理 <select id="s-action" name="action"><option value="suspend">暂停</option><option value="reinstate">恢复</option><option value="revoke">吊销</option></select></label>
    <label for="s-reason">原因 <input id="s-reason" name="reason" required maxlength="200"></label>
    <button class="danger">提交</button></form>{{/canAct}}</section>
    <section aria-labelledby="escalated"><h2 id="escalated">待裁决的退费申请（{{escalatedCount}}）</h2>
    <div class="scroll"><table class="wide"><thead><tr><th>申请</th><th>报名</th><th class="num">课时</th><th>原因</th><th>裁决</th></tr></thead><tbody>
    {{#escalated}}<tr><td data-label="申请">{{id}}</td><td data-label="报名">{{enrollment}}</td><td class="num" data-label="课时">{{hours}}</td><td data-label="原因">{{reason}}</td><td data-label="裁决">{{#canAct}}
    <form method="post" action="/regulator/refund-requests/decide" class="row"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="request" value="{{id}}">
    <label>决定 <select name="decision"><option value="agree">同意退费</option><option value="refuse">不予退费</option></select></label>
    <label>理由 <input name="reason" required maxlength="200"></label><button>裁决</button></form>{{/canAct}}</td></tr>{{/escalated}}
    {{^escalated}}<tr><td colspan="5">没有待裁决的申请。</td></tr>{{/escalated}}
    </tbody></table></div></section>
    <section aria-labelledby="tools"><h2 id="tools">快报与账本</h2>
    <form method="get" action="/regulator/bulletin" class="row"><label for="b-date">快报日期 <input id="b-date" type="date" name="date" value="{{today}}" required></label><button>查看快报</button> <button formaction="/regulator/bulletin.pdf">下载 PDF</button></form>
    <form method="get" action="/regulator/ledger" class="row"><label for="l-seq">账本记录序号 <input id="l-seq" name="seq" inputmode="numeric" required size="8"></label><button>查看记录与证明</button></form>
    </section>
    """,
    "ledger": """
    <h1>账本记录 {{seq}}</h1>
    <section><p>类型：<b>{{kind}}</b>　哈希：<code>{{hash}}</code></p><pre>{{entry}}</pre></section>
    <section><h2>包含证明（树大小 {{treeSize}}）</h2><p>根哈希：<code>{{root}}</code></p>
    <ol>{{#proof}}<li><code>{{.}}</code></li>{{/proof}}</ol></section>
    <section><h2>最近的签名检查点</h2>{{#checkpoint}}<pre>{{.}}</pre>{{/checkpoint}}{{^checkpoint}}<p>尚无签名检查点（<code>jianguan checkpoint sign</code>）。</p>{{/checkpoint}}</section>
    <p>{{#previous}}<a href="/regulator/ledger?seq={{.}}">← 上一条</a>　{{/previous}}{{#next}}<a href="/regulator/ledger?seq={{.}}">下一条 →</a>{{/next}}</p>
    """,
    "institution": """
    <h1>{{name}}</h1>
    <div class="cards">
    <div class="card"><span>状态</span><b class="status-{{status}}">{{statusText}}</b></div>
    <div class="card"><span>监管资金余额（元）</span><b>{{escrow}}</b></div>
    <div class="card"><span>在读报名</span><b>{{enrollments}}</b></div>
    </div>
    <section aria-labelledby="escrow"><h2 id="escrow">监管资金余额变化</h2>{{{chart}}}</section>
    <section aria-labelledby="refunds"><h2 id="refunds">待答复的退费申请（{{openCount}}）</h2>
    <div class="scroll"><table class="wide"><thead><tr><th>申请</th><th>报名</th><th class="num">课时</th><th>答复期限</th><th class="num">剩余天数</th><th>答复</th></tr></thead><tbody>
    {{#open}}<tr><td data-label="申请">{{id}}</td><td data-label="报名">{{enrollment}}</td><td class="num" data-label="课时">{{hours}}</td><td data-label="期限">{{due}}</td><td class="num" data-label="剩余天数">{{daysLeft}}</td><td data-label="答复">
    <form method="post" action="/institution/refund-requests/answer" class="row"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="request" value="{{id}}">
    <label>答复 <select name="decision"><option value="agree">同意</option><option value="refuse">拒绝</option></select></label>
    <label>理由 <input name="reason" required maxlength="200"></label><button>答复</button></form></td></tr>{{/open}}
    {{^open}}<tr><td colspan="6">没有待答复的申请。</td></tr>{{/open}}
    </tbody></table></div></section>
    <section aria-labelledby="session"><h2 id="session">记录一次课（全班消课）</h2>
    <form method="post" action="/institution/sessions" class="row"><input type="hidden" name="csrf" value="{{csrf}}">
    <label for="c-class">班级 <select id="c-class" name="class">{{#classes}}<option value="{{id}}">{{id}} {{course}}</option>{{/classes}}</select></label>
    <label for="c-at">上课时间 <input id="c-at" name="taughtAt" type="datetime-local" required></label>
    <label for="c-hours">课时 <input id="c-hours" name="hours" value="1" inputmode="numeric" size="4" required></label>
    <label for="c-absent">缺席学生（如 S3,S7） <input id="c-absent" name="absent" size="16"></label>
    <button>记录</button></form></section>
    <section aria-labelledby="classes"><h2 id="classes">班级与花名册</h2>
    {{#classes}}<h3>{{id}} · {{course}}（{{starts}} 至 {{ends}}，{{students}} 名学生有剩余课时）</h3>
    <div class="scroll"><table class="wide"><thead><tr><th>学生</th><th>报名</th><th class="num">已购课时</th><th class="num">待确认</th><th class="num">剩余课时</th></tr></thead><tbody>
    {{#roster}}<tr><td data-label="学生">{{student}}</td><td data-label="报名">{{enrollment}}</td><td class="num" data-label="已购">{{hoursPaid}}</td><td class="num" data-label="待确认">{{hoursPending}}</td><td class="num" data-label="剩余">{{hoursLeft}}</td></tr>{{/roster}}
    {{^roster}}<tr><td colspan="5">暂无学生。</td></tr>{{/roster}}
    </tbody></table></div>{{/classes}}
    {{^classes}}<p>尚无班级。</p>{{/classes}}</section>
    """,
    "parent": """
    <h1>我的孩子的课程</h1>
    <section aria-labelledby="enrollments"><h2 id="enrollments">报名（{{enrollmentCount}}）</h2>
    <div class="scroll"><table class="wide"><thead><tr><th>报名</th><th>学生</th><th>班级</th><th>机构</th><th class="num">已购课时</th><th class="num">剩余课时</th><th class="num">监管中（元）</th><th>合同与回执</th></tr></thead><tbody>
    {{#enrollments}}<tr><td data-label="报名">{{id}}</td><td data-label="学生">{{student}}</td><td data-label="班级">{{class}}</td><td data-label="机构">{{institution}}</td><td class="num" data-label="已购">{{hoursPaid}}</td><td class="num" data-label="剩余">{{hoursLeft}}</td><td class="num" data-label="监管中">{{escrow}}</td>
    <td data-label="合同与回执"><a href="/parent/contract/{{id}}">电子合同</a>
    <form method="post" action="/parent/receipt" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="enrollment" value="{{id}}"><button>下载缴费回执</button></form></td></tr>{{/enrollments}}
    {{^enrollments}}<tr><td colspan="8">尚无报名。</td></tr>{{/enrollments}}
    </tbody></table></div></section>
    <section aria-labelledby="lessons"><h2 id="lessons">待确认的课（{{pendingCount}}）</h2>
    <div class="scroll"><table class="wide"><thead><tr><th>课</th><th>报名</th><th>上课时间</th><th class="num">课时</th><th>确认或异议</th></tr></thead><tbody>
    {{#pending}}<tr><td data-label="课">{{id}}</td><td data-label="报名">{{enrollment}}</td><td data-label="时间">{{taughtAt}}</td><td class="num" data-label="课时">{{hours}}</td><td data-label="操作">
    <form method="post" action="/parent/lessons/confirm" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="lesson" value="{{id}}"><button>确认</button></form>
    <form method="post" action="/parent/lessons/dispute" class="row"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="lesson" value="{{id}}">
    <label>异议理由 <input name="reason" required maxlength="200"></label><button class="danger">提出异议</button></form></td></tr>{{/pending}}
    {{^pending}}<tr><td colspan="5">没有待确认的课。</td></tr>{{/pending}}
    </tbody></table></div></section>
    <section aria-labelledby="requests"><h2 id="requests">退费申请</h2>
    <div class="scroll"><table class="wide"><thead><tr><th>申请</th><th>报名</th><th class="num">课时</th><th>状态</th><th>答复期限</th><th>原因</th></tr></thead><tbody>
    {{#requests}}<tr><td data-label="申请">{{id}}</td><td data-label="报名">{{enrollment}}</td><td class="num" data-label="课时">{{hours}}</td><td data-label="状态">{{statusText}}</td><td data-label="期限">{{due}}</td><td data-label="原因">{{reason}}</td></tr>{{/requests}}
    {{^requests}}<tr><td colspan="6">没有退费申请。</td></tr>{{/requests}}
    </tbody></table></div>
    <h3>申请退费</h3>
    <form method="post" action="/parent/refund-requests" class="row"><input type="hidden" name="csrf" value="{{csrf}}">
    <label for="r-enrollment">报名 <select id="r-enrollment" name="enrollment">{{#enrollments}}<option value="{{id}}">{{id}} {{class}}</option>{{/enrollments}}</select></label>
    <label for="r-hours">课时（留空为全部剩余） <input id="r-hours" name="hours" inputmode="numeric" size="4"></label>
    <label for="r-reason">原因 <input id="r-reason" name="reason" required maxlength="200"></label>
    <button>提交申请</button></form></section>
    """,
    "contract": """
    <h1>电子合同 {{enrollment}}</h1>
    <section><pre>{{text}}</pre></section>
    <p><a href="/parent">← 返回我的孩子的课程</a></p>
    """,
    "message": """
    <h1>{{heading}}</h1><section><p>{{text}}</p>{{#link}}<p><a href="{{href}}">{{label}}</a></p>{{/link}}</section>
    """,
  ]
}
