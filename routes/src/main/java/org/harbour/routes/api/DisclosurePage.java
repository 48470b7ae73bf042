package org.harbour.routes.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.harbour.routes.api.DisclosureReportController.Disclosure;
import org.harbour.routes.api.DisclosureReportController.Report;
import org.springframework.web.util.HtmlUtils;

/**
 * The disclosure report as a page to hand to the patient: bilingual headings, one table of what
 * was disclosed and one of what was withheld, a print stylesheet (the links and the language
 * switch are not printed; rows are not split across pages). No script.
 */
final class DisclosurePage {

    private DisclosurePage() {
    }

    static String render(Report report, PatientDisclosureReport.Language language, boolean console, String from,
            String to) {
        boolean zh = language == PatientDisclosureReport.Language.ZH;
        StringBuilder page = new StringBuilder(8192);
        page.append("<!DOCTYPE html>\n<html lang=\"").append(language.tag).append("\"><head><meta charset=\"UTF-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
                .append(zh ? "個人資料披露記錄" : "Disclosure report").append("</title><style>")
                .append("body{font-family:system-ui,'Noto Sans CJK TC','Microsoft JhengHei',sans-serif;margin:2rem;")
                .append("color:#1b2733;max-width:60rem}h1{font-size:1.5rem;color:#0b4f6c}h2{font-size:1.15rem;")
                .append("margin-top:2rem}table{border-collapse:collapse;width:100%}th,td{border:1px solid #b8c4ce;")
                .append("padding:.4rem .6rem;text-align:left;vertical-align:top}th{background:#eef3f7}")
                .append("dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}")
                .append("dd{margin:0}nav{margin-bottom:1rem}nav a{margin-right:1rem}.note{color:#4a5a68}")
                .append("@media print{nav,.screen{display:none}body{margin:0;max-width:none}tr{break-inside:avoid}")
                .append("thead{display:table-header-group}a{color:inherit;text-decoration:none}}")
                .append("</style></head><body>\n<nav>");
        String query = (from == null ? "" : "&from=" + URLEncoder.encode(from, StandardCharsets.UTF_8))
                + (to == null ? "" : "&to=" + URLEncoder.encode(to, StandardCharsets.UTF_8));
        page.append("<a href=\"?lang=en").append(esc(query)).append("\" lang=\"en\">English</a>")
                .append("<a href=\"?lang=zh-HK").append(esc(query)).append("\" lang=\"zh-HK\">繁體中文</a>");
        if (console) {
            page.append("<a href=\"../../../hawtio/auth/logout\">").append(zh ? "登出" : "Log out").append("</a>");
        }
        page.append("<span class=\"screen note\">").append(zh ? "以瀏覽器的「列印」功能列印或儲存為 PDF。"
                : "Use your browser's Print to print it or save it as a PDF.").append("</span></nav>\n");
        page.append("<h1>").append(zh ? "個人資料披露記錄" : "Record of disclosures of your health records")
                .append("</h1>\n<dl>")
                .append(row(zh ? "病人" : "Patient", report.patientShown()))
                .append(row(zh ? "期間" : "Period", (report.from().startsWith("(") ? (zh ? "開始" : "the start")
                        : report.from()) + (zh ? " 至 " : " to ") + (report.to().startsWith("(") ? (zh ? "現在" : "now")
                        : report.to())))
                .append(row(zh ? "編製時間" : "Prepared", report.generatedAt()))
                .append(row(zh ? "已披露" : "Disclosed", String.valueOf(report.disclosed())))
                .append(row(zh ? "未披露" : "Withheld", String.valueOf(report.withheld())))
                .append("</dl>\n");

        page.append("<h2>").append(zh ? "已披露的記錄" : "Records sent to others").append("</h2>\n");
        table(page, report, true, zh);
        page.append("<h2>").append(zh ? "未有披露的記錄" : "Records not sent, and why").append("</h2>\n");
        table(page, report, false, zh);
        if (report.notListed() > 0) {
            page.append("<p class=\"note\">").append(zh ? "另有 " + report.notListed()
                    + " 項附隨記錄（例如就診記錄）沒有送出：您的同意書沒有涵蓋這類記錄，因此任何人都不會收到。"
                    : report.notListed() + " further supporting records (such as the visit a result belongs to) were"
                    + " not sent: no consent of yours covers that kind of record, so nobody could receive them.")
                    .append("</p>\n");
        }
        if (report.truncated()) {
            page.append("<p>").append(zh ? "記錄過多，只顯示首部分；請縮短期間。" : "Only the first entries are shown;"
                    + " narrow the period.").append("</p>\n");
        }
        page.append("<p class=\"note\">").append(zh ? "資料來源：Harbour 審計記錄（雜湊鏈及已簽署的檢查點）。"
                + "此記錄按《個人資料（私隱）條例》的查閱資料要求提供。"
                : "Source: Harbour's audit trail (hash-chained, with signed checkpoints). Provided in answer to a"
                + " data access request under the Personal Data (Privacy) Ordinance.").append("</p>\n</body></html>\n");
        return page.toString();
    }

    private static void table(StringBuilder page, Report report, boolean disclosed, boolean zh) {
        long count = report.entries().stream().filter(d -> "disclosed".equals(d.outcome()) == disclosed).count();
        if (count == 0) {
            page.append("<p>").append(disclosed ? (zh ? "此期間內沒有記錄被披露。" : "None in this period.")
                    : (zh ? "此期間內沒有。" : "None in this period.")).append("</p>\n");
            return;
        }
        page.append("<table class=\"").append(disclosed ? "disclosed" : "withheld").append("\"><thead><tr><th>")
                .append(zh ? "時間" : "When").append("</th><th>").append(zh ? "收件人" : "To").append("</th><th>")
                .append(zh ? "記錄" : "Records").append("</th><th>")
                .append(disclosed ? (zh ? "所依據的同意書" : "Under your consent") : (zh ? "原因" : "Why not"))
                .append("</th></tr></thead><tbody>\n");
        for (Disclosure d : report.entries()) {
            if ("disclosed".equals(d.outcome()) != disclosed) {
                continue;
            }
            page.append("<tr><td>").append(esc(d.at())).append("</td><td>").append(esc(d.recipientName()));
            if (d.organization() != null) {
                page.append("<br><span class=\"note\">").append(esc(d.organization())).append("</span>");
            }
            page.append("</td><td>").append(String.join("<br>", d.records().stream().map(DisclosurePage::esc).toList()))
                    .append("</td><td>").append(esc(disclosed ? d.consentWords() : d.reason()));
            if (!disclosed && d.consentWords() != null) {
                page.append("<br><span class=\"note\">").append(esc(d.consentWords())).append("</span>");
            }
            page.append("</td></tr>\n");
        }
        page.append("</tbody></table>\n");
    }

    private static String row(String term, String value) {
        return "<dt>" + esc(term) + "</dt><dd>" + esc(value) + "</dd>";
    }

    private static String esc(String text) {
        return text == null ? "" : HtmlUtils.htmlEscape(text, "UTF-8");
    }
}
