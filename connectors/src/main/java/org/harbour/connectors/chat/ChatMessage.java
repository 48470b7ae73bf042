package org.harbour.connectors.chat;

import java.util.List;

/**
 * One notification for a doctor's chat or workspace, before any service's format: a title,
 * lines of text, a link to the record, and the watermark line naming the recipient and the send
 * time. Each sender renders it its own way (DingTalk markdown, Slack mrkdwn, a Teams Adaptive
 * Card, JSON). {@code key} is the idempotency key: the same notification always has the same key.
 *
 * @param mentions who to @ when urgent (DingTalk: mobile numbers or user ids)
 */
public record ChatMessage(String key, String title, List<String> lines, String link, String watermark,
        boolean urgent, List<String> mentions) {

    public ChatMessage {
        lines = List.copyOf(lines);
        mentions = mentions == null ? List.of() : List.copyOf(mentions);
    }

    /** The same message with other lines (when a long one is shortened or split). */
    public ChatMessage withLines(String newKey, String newTitle, List<String> newLines) {
        return new ChatMessage(newKey, newTitle, newLines, link, watermark, urgent, mentions);
    }
}
