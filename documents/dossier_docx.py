"""The referral dossier (移交材料) as a Word document for the discipline body, in the official layout.

一、基本情况 (the case's facts), 二、已发文书 (notices and numbered criticisms), 三、办理全过程 (every
event: business date, what, who in which role, what it said, and when it was recorded in Beijing time),
四、证明材料 (every file of the case: its name, size, the step that recorded it and its SHA-256, so the
receiver can match a file to the record), 五、校验码 (the verification code with the number of records it
covers, and how the receiver checks it).  A pure function of the dossier and the names the caller looks up.
"""

from __future__ import annotations

from datetime import date

from documents import official
from documents.official import DENSE_TABLE_SIZE, NO_INDENT, chinese_date
from domain.evidence import size_words
from duban.clock import beijing_time
from projections.dossier import Dossier

FACT_HEADERS = ("项目", "内容")
FACT_WIDTHS = (36, 120)
DOCUMENT_HEADERS = ("文书", "文号", "标题或事由", "日期")
DOCUMENT_WIDTHS = (26, 52, 32, 46)  # mm, at 小四; a number such as 汉督通报〔2026〕3号 and a date stay on one line
ENTRY_HEADERS = ("业务日期", "事件", "操作人", "内容")
ENTRY_WIDTHS = (30, 36, 34, 56)  # mm, at 小四: a date such as 2026-03-02 stays on one line
FILE_HEADERS = ("文件名", "大小", "所属记录", "SHA-256")
FILE_WIDTHS = (38, 18, 36, 64)  # mm: the 64 hex digits of a SHA-256 wrap onto three lines


def dossier_filename(dossier: Dossier) -> str:
    return f"{dossier.number}移交材料.docx"


def dossier_document(dossier: Dossier, *, lead_unit: str, produced_on: date, records: dict,
                     issued_by: str = "区人民政府督查室") -> bytes:
    """The dossier's .docx bytes; ``records`` names the case's other records (a notice's id → its number)
    so their events are marked in the history, ``produced_on`` is the day it is produced (its date)."""
    document = official.new_document(title_text=f"{dossier.number}移交材料", author=issued_by, subject="移交材料",
                                     keywords=f"移交纪检监察 {dossier.number}", dated=produced_on)
    official.title(document, f"关于{dossier.number}“{dossier.title}”的移交材料")
    official.paragraph(document, "区纪检监察机关：", indent=NO_INDENT, align=official.LEFT)
    official.paragraph(document, f"经区人民政府领导批准，现将{dossier.number}“{dossier.title}”办理情况移交你单位依规依纪处理。"
                                 "有关情况及全部办理记录如下。")
    official.heading(document, "一、基本情况")
    task = dossier.kind == "整改任务"  # a referred rectification task: its problem, source and responsible unit
    official.table(document, FACT_HEADERS, [
        ("编号", dossier.number), ("整改问题" if task else "督办事项", dossier.title),
        ("问题来源" if task else "事项来源", dossier.source), ("来源依据", dossier.reference),
        ("责任单位" if task else "牵头单位", lead_unit), ("整改时限" if task else "办理时限", dossier.deadline),
        ("当前状态", dossier.status), ("涉及人员", "、".join(sorted(a for a in dossier.actors if a))),
    ], FACT_WIDTHS, left_columns=(1,), size=DENSE_TABLE_SIZE)
    official.heading(document, "二、已发文书")
    if dossier.documents:
        official.table(document, DOCUMENT_HEADERS, [(d.kind, d.number, d.title, chinese_date(d.issued_on))
                                                    for d in dossier.documents], DOCUMENT_WIDTHS, left_columns=(2,),
                       size=DENSE_TABLE_SIZE)
    else:
        official.paragraph(document, "未发文书。")
    official.heading(document, "三、办理全过程")
    official.paragraph(document, f"共{len(dossier.entries)}条记录，按业务日期排列；每条记录均由系统按事件自动生成，不可修改。")
    official.table(document, ENTRY_HEADERS, [
        (e.on.isoformat(), f"{records.get(e.record_id, '')} {e.what}".strip(), e.who,
         "；".join([f"{name}：{value}" for name, value in e.details] + [f"记录于{beijing_time(e.recorded_at)}"]))
        for e in dossier.entries], ENTRY_WIDTHS, left_columns=(1, 3), size=DENSE_TABLE_SIZE)
    official.heading(document, "四、证明材料")
    stored = [(e, f) for e, f in dossier.files if f.stored]
    if stored:
        official.paragraph(document, f"共{len(stored)}份，均按文件内容的SHA-256摘要存档；"
                                     "接收单位可对所收文件计算SHA-256，与下表核对。")
        official.table(document, FILE_HEADERS, [
            (f.name, size_words(f.size), f"{e.on.isoformat()} {records.get(e.record_id, '')} {e.what}".replace("  ", " "),
             f.sha256) for e, f in stored], FILE_WIDTHS, left_columns=(0, 2, 3), size=DENSE_TABLE_SIZE)
    else:
        official.paragraph(document, "本案无上传存档的证明材料。")
    named = [(e, f) for e, f in dossier.files if not f.stored]
    if named:
        official.paragraph(document, "另有早期记录仅登记了材料名称、未上传文件：" + "、".join(
            f"{f.name}（{e.on.isoformat()} {e.what}）" for e, f in named) + "。")
    official.heading(document, "五、校验码")
    if dossier.code is not None:
        official.paragraph(document, f"校验码：{dossier.code.short}")
        official.paragraph(document, "完整摘要（SHA-256）：")
        official.paragraph(document, dossier.code.digest, indent=NO_INDENT, align=official.LEFT)
        official.paragraph(document, f"校验码由本案{'' if task else '及其督办通知'}的全部{dossier.code.events}条事件记录计算得出"
                                     f"（最后一条记录于{beijing_time(dossier.code.last_recorded_at)}）。接收单位可在督查督办系统"
                                     "“移交材料校验”页面输入校验码：一致，说明本材料生成以来记录未改变；"
                                     "不一致，页面列明其后新增的记录条数。")
    checkpoint = dossier.checkpoint
    if checkpoint is not None:
        official.paragraph(document, f"签名检查点：本案全部记录已纳入第{checkpoint.sequence}号签名检查点（签署于"
                                     f"{beijing_time(checkpoint.signed_at)}，覆盖本区记录链前{checkpoint.length}条事件），"
                                     "链头摘要（SHA-256）：")
        official.paragraph(document, checkpoint.head, indent=NO_INDENT, align=official.LEFT)
    else:
        official.paragraph(document, "签名检查点：本案最新的记录尚未纳入签名检查点（系统每天签署一次）。")
    official.signature(document, issued_by, produced_on)
    return official.save(document, produced_on)
