"""The supervision notice (督办通知) as a Word document (.docx), laid out as an official document (公文).

The layout (fonts, margins, line spacing, page numbers) is the district template's, shared with the
bulletin in :mod:`documents.official`.  The task, responsibility and deadline lists (任务清单、责任清单、
时限清单) are one table.  A pure function of the notice and the names the caller looks up.
"""

from __future__ import annotations

from documents import official
from documents.official import DOCX, NO_INDENT, chinese_date
from domain.notice import SupervisionNotice

TABLE_HEADERS = ("序号", "任务内容", "责任人", "完成时限")
TABLE_WIDTHS = (14, 62, 34, 46)  # mm, of the 156 mm type area; a date such as 2026年12月31日 fits on one line

__all__ = ["DOCX", "chinese_date", "notice_document", "notice_filename"]


def notice_filename(notice: SupervisionNotice) -> str:
    return f"{notice.number_label}督办通知.docx"


def notice_document(notice: SupervisionNotice, *, district_name: str, unit_name: str, subject_label: str,
                    issued_by: str = "区人民政府督查室", contact: str = "", copy_to: str = "") -> bytes:
    """The notice's .docx bytes.

    ``subject_label`` names what the notice is about (e.g. 督〔2026〕7号“整治背街小巷”), ``unit_name``
    the unit it goes to (主送机关), ``issued_by`` the issuing office (落款); ``contact`` (联系人及电话)
    and ``copy_to`` (抄送) are printed when given.
    """
    tasks = sorted(notice.tasks.values(), key=lambda t: int(str(t["key"])[1:]))
    document = official.new_document(title_text=f"{notice.number_label} {notice.title}", author=issued_by,
                                     subject="督办通知", keywords=f"{district_name} 督办通知", dated=notice.issued_on)
    official.paragraph(document, notice.number_label, indent=NO_INDENT, align=official.CENTER)  # 发文字号
    official.blank(document)
    official.title(document, notice.title)
    official.paragraph(document, f"{unit_name}：", indent=NO_INDENT, align=official.LEFT)  # 主送机关
    reply_by = chinese_date(notice.reply_deadline)
    official.paragraph(document, f"为推动{subject_label}落实到位，根据督查工作有关规定，现对你单位进行督办。"
                                 f"请按照下列任务清单、责任清单、时限清单抓好落实，并于{reply_by}前将办理情况"
                                 f"逐项书面回复{issued_by}。")
    official.heading(document, "一、任务清单、责任清单、时限清单")
    official.table(document, TABLE_HEADERS,
                   [(str(n), t["task"], t["responsible"], chinese_date(t["deadline"])) for n, t in enumerate(tasks, 1)],
                   TABLE_WIDTHS, left_columns=(1,))
    official.heading(document, "二、有关要求")
    official.heading(document, "（一）书面回复时限", level=2)
    official.paragraph(document, f"请于{reply_by}前书面回复（书面回复时限）。回复须逐项说明任务完成情况、责任人落实情况，"
                                 "并附相关佐证材料。")
    official.heading(document, "（二）逾期处理", level=2)
    official.paragraph(document, "逾期未回复或回复不符合要求的，将按照督查工作有关规定予以催办、通报，情节严重的依规依纪处理。")
    if contact:
        official.paragraph(document, f"联系人：{contact}")
    official.signature(document, issued_by, notice.issued_on)
    if copy_to:
        official.blank(document)
        official.paragraph(document, f"抄送：{copy_to}。", indent=NO_INDENT, align=official.LEFT)
    return official.save(document, notice.issued_on)
