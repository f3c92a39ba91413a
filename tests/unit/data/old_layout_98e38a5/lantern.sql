PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE events (
	id INTEGER NOT NULL, 
	sender_id VARCHAR(255) NOT NULL, 
	type_name VARCHAR(255) NOT NULL, 
	timestamp FLOAT, 
	intent_name VARCHAR(255), 
	action_name VARCHAR(255), 
	data TEXT, 
	PRIMARY KEY (id)
);
INSERT INTO events VALUES(1,'p_v3hwhb5oehew3zyscsbb','action',1796603186.49795866,NULL,'action_session_start','{"event": "action", "timestamp": 1796603186.4979587, "name": "action_session_start", "policy": null, "confidence": null, "action_text": null, "hide_rule_turn": false, "metadata": {}}');
INSERT INTO events VALUES(2,'p_v3hwhb5oehew3zyscsbb','session_started',1796603186.4979622364,NULL,NULL,'{"event": "session_started", "timestamp": 1796603186.4979622}');
INSERT INTO events VALUES(3,'p_v3hwhb5oehew3zyscsbb','action',1796603186.4979646205,NULL,'action_listen','{"event": "action", "timestamp": 1796603186.4979646, "name": "action_listen", "policy": null, "confidence": null, "action_text": null, "hide_rule_turn": false, "metadata": {}}');
INSERT INTO events VALUES(4,'p_v3hwhb5oehew3zyscsbb','user',1796603186.497973442,'greet',NULL,'{"event": "user", "timestamp": 1796603186.4979734, "metadata": {}, "text": "hi my name is <PERSON>, my PO <PERSON> wants me at <ADDRESS>", "parse_data": {"intent": {"name": "greet", "confidence": 0.9}, "entities": [{"entity": "first_name", "value": "<PERSON>", "start": 14, "end": 20}], "text": "hi my name is <PERSON>, my PO <PERSON> wants me at <ADDRESS>", "message_id": null, "metadata": {}, "talk_type": {"name": "neutral", "confidence": 0.8}, "crisis": {"level": "none", "category": null, "confidence": 0.0}}, "input_channel": "rest", "message_id": null}');
INSERT INTO events VALUES(5,'p_v3hwhb5oehew3zyscsbb','slot',1796603186.4979844093,NULL,'first_name','{"event": "slot", "timestamp": 1796603186.4979844, "name": "first_name", "value": "<REDACTED>"}');
INSERT INTO events VALUES(6,'p_v3hwhb5oehew3zyscsbb','action',1796603186.4979863166,NULL,'utter_hi','{"event": "action", "timestamp": 1796603186.4979863, "name": "utter_hi", "policy": null, "confidence": null, "action_text": null, "hide_rule_turn": false, "metadata": {}}');
INSERT INTO events VALUES(7,'p_v3hwhb5oehew3zyscsbb','bot',1796603186.4979908465,NULL,NULL,'{"event": "bot", "timestamp": 1796603186.4979908, "metadata": {"utter_action": "utter_hi"}, "text": "Nice to meet you, <REDACTED>.", "data": {}}');
INSERT INTO events VALUES(8,'p_v3hwhb5oehew3zyscsbb','action',1796603186.4979932308,NULL,'action_listen','{"event": "action", "timestamp": 1796603186.4979932, "name": "action_listen", "policy": null, "confidence": null, "action_text": null, "hide_rule_turn": false, "metadata": {}}');
INSERT INTO events VALUES(9,'p_v3hwhb5oehew3zyscsbb','user',1796603186.4979960918,'inform',NULL,'{"event": "user", "timestamp": 1796603186.497996, "text": "text me <PHONE> or <EMAIL>", "parse_data": {"intent": {"name": "inform", "confidence": 0.7}, "entities": [], "text": "text me <PHONE> or <EMAIL>", "message_id": null, "metadata": {}}, "input_channel": "rest", "message_id": null, "metadata": {}}');
INSERT INTO events VALUES(10,'p_v3hwhb5oehew3zyscsbb','action',1796603186.4979994296,NULL,'utter_ok','{"event": "action", "timestamp": 1796603186.4979994, "name": "utter_ok", "policy": null, "confidence": null, "action_text": null, "hide_rule_turn": false, "metadata": {}}');
INSERT INTO events VALUES(11,'p_v3hwhb5oehew3zyscsbb','bot',1796603186.4980008601,NULL,NULL,'{"event": "bot", "timestamp": 1796603186.4980009, "metadata": {"utter_action": "utter_ok"}, "text": "Thanks for telling me.", "data": {}}');
INSERT INTO events VALUES(12,'p_v3hwhb5oehew3zyscsbb','action',1796603186.4980018138,NULL,'action_listen','{"event": "action", "timestamp": 1796603186.4980018, "name": "action_listen", "policy": null, "confidence": null, "action_text": null, "hide_rule_turn": false, "metadata": {}}');
CREATE TABLE transcripts_alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT transcripts_alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO transcripts_alembic_version VALUES('t0001');
CREATE TABLE transcript_conversations (
	id VARCHAR(32) NOT NULL, 
	sender_pseudonym VARCHAR(64) NOT NULL, 
	channel VARCHAR(64), 
	started_at DATETIME NOT NULL, 
	last_message_at DATETIME NOT NULL, 
	turns INTEGER NOT NULL, 
	message_count INTEGER NOT NULL, 
	crisis BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO transcript_conversations VALUES('a009efd8f72e43e98bca69aeee6ced35','p_v3hwhb5oehew3zyscsbb','rest','2026-12-07 00:26:26.497962','2026-12-07 00:26:26.498001',2,4,0);
CREATE TABLE transcript_messages (
	id INTEGER NOT NULL, 
	conversation_id VARCHAR(32) NOT NULL, 
	seq INTEGER NOT NULL, 
	turn INTEGER NOT NULL, 
	sender VARCHAR(8) NOT NULL, 
	text TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	intent VARCHAR(128), 
	intent_confidence FLOAT, 
	talk_type VARCHAR(32), 
	talk_type_confidence FLOAT, 
	crisis BOOLEAN NOT NULL, 
	crisis_level VARCHAR(32), 
	crisis_category VARCHAR(64), 
	action VARCHAR(128), 
	pii_types VARCHAR(255), 
	degraded BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(conversation_id) REFERENCES transcript_conversations (id) ON DELETE CASCADE, 
	CONSTRAINT uq_transcript_messages_seq UNIQUE (conversation_id, seq)
);
INSERT INTO transcript_messages VALUES(1,'a009efd8f72e43e98bca69aeee6ced35',1,1,'user','hi my name is <PERSON>, my PO <PERSON> wants me at <ADDRESS>','2026-12-07 00:26:26.497973','greet',0.9000000000000000222,'neutral',0.8000000000000000444,0,'none',NULL,NULL,'ADDRESS,PERSON',0);
INSERT INTO transcript_messages VALUES(2,'a009efd8f72e43e98bca69aeee6ced35',2,1,'bot','Nice to meet you, <REDACTED>.','2026-12-07 00:26:26.497991',NULL,NULL,NULL,NULL,0,NULL,NULL,'utter_hi','REDACTED',0);
INSERT INTO transcript_messages VALUES(3,'a009efd8f72e43e98bca69aeee6ced35',3,2,'user','text me <PHONE> or <EMAIL>','2026-12-07 00:26:26.497996','inform',0.69999999999999995559,NULL,NULL,0,NULL,NULL,NULL,'EMAIL,PHONE',0);
INSERT INTO transcript_messages VALUES(4,'a009efd8f72e43e98bca69aeee6ced35',4,2,'bot','Thanks for telling me.','2026-12-07 00:26:26.498001',NULL,NULL,NULL,NULL,0,NULL,NULL,'utter_ok',NULL,0);
CREATE TABLE sms_inbound (
	message_sid VARCHAR(64) NOT NULL, 
	sender VARCHAR(40) NOT NULL, 
	received_at FLOAT NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	PRIMARY KEY (message_sid)
);
INSERT INTO sms_inbound VALUES('SM1','pseudo-a',1796603186.6922829151,'received');
CREATE TABLE sms_opt_outs (
	sender VARCHAR(40) NOT NULL, 
	opted_out BOOLEAN NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (sender)
);
INSERT INTO sms_opt_outs VALUES('pseudo-a',1,1796603186.7342190742);
CREATE TABLE sms_choices (
	sender VARCHAR(40) NOT NULL, 
	payloads TEXT NOT NULL, 
	titles TEXT NOT NULL, 
	created_at FLOAT NOT NULL, 
	PRIMARY KEY (sender)
);
INSERT INTO sms_choices VALUES('pseudo-b','["/a", "/b"]','["A", "B"]',1796603186.769301176);
CREATE TABLE sms_failed_sends (
	id INTEGER NOT NULL, 
	sender VARCHAR(40) NOT NULL, 
	message_sid VARCHAR(64), 
	created_at FLOAT NOT NULL, 
	attempts INTEGER NOT NULL, 
	http_status INTEGER, 
	error_code INTEGER, 
	reason VARCHAR(200) NOT NULL, 
	chars INTEGER NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO sms_failed_sends VALUES(1,'pseudo-c','SM1',1796603186.8076369763,3,500,NULL,'HTTPError',40);
CREATE TABLE sms_crisis_flags (
	id INTEGER NOT NULL, 
	sender VARCHAR(40) NOT NULL, 
	message_sid VARCHAR(64), 
	created_at FLOAT NOT NULL, 
	level VARCHAR(20) NOT NULL, 
	category VARCHAR(40), 
	reply VARCHAR(20) NOT NULL, 
	reviewed BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO sms_crisis_flags VALUES(1,'pseudo-a','SM2',1796603186.8438041209,'crisis','overdose','sent',0);
CREATE INDEX ix_events_sender_id ON events (sender_id);
CREATE INDEX ix_events_sender_type ON events (sender_id, type_name);
CREATE INDEX ix_events_sender_type_name ON events (sender_id, type_name, action_name);
CREATE INDEX ix_transcript_conversations_sender_pseudonym ON transcript_conversations (sender_pseudonym);
CREATE INDEX ix_transcript_conversations_last_message_at ON transcript_conversations (last_message_at);
CREATE INDEX ix_transcript_messages_conversation_id ON transcript_messages (conversation_id);
CREATE INDEX ix_transcript_messages_created_at ON transcript_messages (created_at);
CREATE INDEX ix_sms_inbound_received_at ON sms_inbound (received_at);
CREATE INDEX ix_sms_failed_sends_sender ON sms_failed_sends (sender);
CREATE INDEX ix_sms_crisis_flags_sender ON sms_crisis_flags (sender);
COMMIT;
