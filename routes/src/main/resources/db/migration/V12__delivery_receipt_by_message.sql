-- The message store shows how many deliveries each message led to: found by message.
CREATE INDEX delivery_receipt_message ON delivery_receipt (message_id);
