PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE dir_alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT dir_alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO dir_alembic_version VALUES('0001');
CREATE TABLE dir_source (
	id INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	format VARCHAR(40) NOT NULL, 
	path TEXT, 
	imported_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
INSERT INTO dir_source VALUES(1,'sample-dayton','hsds3-csv','/tmp/old/data/directory/sample-dayton','2026-12-07 00:26:32.442945');
CREATE TABLE dir_organization (
	id INTEGER NOT NULL, 
	source_id INTEGER NOT NULL, 
	hsds_id VARCHAR(250) NOT NULL, 
	name VARCHAR(500) NOT NULL, 
	alternate_name VARCHAR(500), 
	description TEXT, 
	email VARCHAR(320), 
	website TEXT, 
	content_hash VARCHAR(64) NOT NULL, 
	disabled BOOLEAN NOT NULL, 
	disabled_reason TEXT, 
	disabled_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(source_id) REFERENCES dir_source (id) ON DELETE CASCADE, 
	CONSTRAINT uq_dir_org_source_hsds UNIQUE (source_id, hsds_id)
);
INSERT INTO dir_organization VALUES(1,1,'o-gem-hr','FICTIONAL Gem City Harm Reduction Collective',NULL,'A sample harm reduction program run with and for people who use drugs. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','info@o-gem-hr.example.org','https://example.org/o-gem-hr','381c7486d84193ee46061e0014ebd1e6bef008878b3ae2ffb56d2b13b35c143b',0,NULL,NULL);
INSERT INTO dir_organization VALUES(2,1,'o-mv-rc','FICTIONAL Miami Valley Recovery Clinic',NULL,'A sample outpatient clinic offering medication for opioid use disorder. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','info@o-mv-rc.example.org','https://example.org/o-mv-rc','89b2ec328463feefa62203a624c628ef8dd7392c66ed39654dfbb0d630dc1acb',0,NULL,NULL);
INSERT INTO dir_organization VALUES(3,1,'o-riverbend','FICTIONAL Riverbend Opioid Treatment Program',NULL,'A sample opioid treatment program (OTP). FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','info@o-riverbend.example.org','https://example.org/o-riverbend','a471345548ed205c0065d09135f25fb279a4d711e768c9fcdb79c58aa680b494',0,NULL,NULL);
INSERT INTO dir_organization VALUES(4,1,'o-fiverivers','FICTIONAL Five Rivers Withdrawal Center',NULL,'A sample medically monitored withdrawal management unit. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','info@o-fiverivers.example.org','https://example.org/o-fiverivers','607d6b51510c0e125a69a2c9930d55156df03366b17dcbec145faed83ca194ff',0,NULL,NULL);
INSERT INTO dir_organization VALUES(5,1,'o-oakwood','FICTIONAL Oakwood Street Community Health',NULL,'A sample community health center. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','info@o-oakwood.example.org','https://example.org/o-oakwood','523346e426bed946ae12f65ede48c300de44408c7e83cce9ca587c66360bf63c',0,NULL,NULL);
INSERT INTO dir_organization VALUES(6,1,'o-second-st','FICTIONAL Second Street Recovery Meetings',NULL,'A sample listing of peer-led mutual help meetings. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','info@o-second-st.example.org','https://example.org/o-second-st','3d54d8d3a0bcab69b2e99b9cbd80b862cd2adea7cf1918e4a04a953793f8c83b',0,NULL,NULL);
INSERT INTO dir_organization VALUES(7,1,'o-peer-net','FICTIONAL Dayton Peer Recovery Network',NULL,'A sample peer recovery support organization. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','info@o-peer-net.example.org','https://example.org/o-peer-net','694ff836d01adde959849ca0b8e69dfb87d093af9a7bbc4caa0206b35d1c74e0',0,NULL,NULL);
INSERT INTO dir_organization VALUES(8,1,'o-food-share','FICTIONAL Gem City Food Share',NULL,'A sample food pantry. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','info@o-food-share.example.org','https://example.org/o-food-share','cc14229bd82d4c37200615b5016179b72aff876814ef08f5a4646134d2382cb7',0,NULL,NULL);
INSERT INTO dir_organization VALUES(9,1,'o-harbor','FICTIONAL Harbor House Shelter',NULL,'A sample low-barrier overnight shelter. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','info@o-harbor.example.org','https://example.org/o-harbor','1d55412f91e6835cdaffae5085de0ed1b013b262356013f2e8384b7b8b84291e',0,NULL,NULL);
INSERT INTO dir_organization VALUES(10,1,'o-valley-mh','FICTIONAL Valley Mental Health Access',NULL,'A sample mental health and crisis center. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','info@o-valley-mh.example.org','https://example.org/o-valley-mh','686dd865fecd0b2d5779329fe9e86c11b499a8ce1e39a1894010d2d9c25f99ad',0,NULL,NULL);
CREATE TABLE dir_taxonomy_term (
	id INTEGER NOT NULL, 
	source_id INTEGER NOT NULL, 
	hsds_id VARCHAR(250) NOT NULL, 
	code TEXT, 
	name VARCHAR(500) NOT NULL, 
	description TEXT, 
	taxonomy TEXT, 
	parent_hsds_id VARCHAR(250), 
	language TEXT, 
	term_uri TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(source_id) REFERENCES dir_source (id) ON DELETE CASCADE
);
INSERT INTO dir_taxonomy_term VALUES(1,1,'t-ssp','DD-SSP','Syringe Services Program','Syringe Services Program (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(2,1,'t-nal','DD-NAL','Naloxone Distribution','Naloxone Distribution (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(3,1,'t-fts','DD-FTS','Fentanyl Test Strip Distribution','Fentanyl Test Strip Distribution (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(4,1,'t-bup','DD-MOUD-B','Medication for Opioid Use Disorder - Buprenorphine','Medication for Opioid Use Disorder - Buprenorphine (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(5,1,'t-mtd','DD-MOUD-M','Opioid Treatment Program - Methadone','Opioid Treatment Program - Methadone (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(6,1,'t-detox','DD-WM','Withdrawal Management (Detox)','Withdrawal Management (Detox) (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(7,1,'t-couns','DD-CNS','Substance Use Counseling','Substance Use Counseling (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(8,1,'t-mh','DD-MH','Outpatient Mental Health','Outpatient Mental Health (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(9,1,'t-med','DD-PC','Primary Care and Wound Care','Primary Care and Wound Care (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(10,1,'t-test','DD-HIV','HIV and Hepatitis C Testing','HIV and Hepatitis C Testing (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(11,1,'t-mutual','DD-MA','Mutual Aid Support Groups (NA, SMART Recovery)','Mutual Aid Support Groups (NA, SMART Recovery) (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(12,1,'t-peer','DD-PEER','Peer Recovery Support','Peer Recovery Support (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(13,1,'t-food','DD-FOOD','Food Pantry','Food Pantry (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(14,1,'t-shelter','DD-SHLT','Emergency Shelter','Emergency Shelter (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(15,1,'t-crisis','DD-CRISIS','Behavioral Health Crisis Walk-In','Behavioral Health Crisis Walk-In (sample publisher taxonomy)','dayton-demo',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(16,1,'l-free','free','Free','Free (Lantern access flag)','lantern',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(17,1,'l-walk','walk_in','Walk-in, no appointment','Walk-in, no appointment (Lantern access flag)','lantern',NULL,NULL,NULL);
INSERT INTO dir_taxonomy_term VALUES(18,1,'l-noins','no_insurance','No insurance needed','No insurance needed (Lantern access flag)','lantern',NULL,NULL,NULL);
CREATE TABLE dir_location (
	id INTEGER NOT NULL, 
	source_id INTEGER NOT NULL, 
	hsds_id VARCHAR(250) NOT NULL, 
	organization_id INTEGER, 
	location_type VARCHAR(20) NOT NULL, 
	name VARCHAR(500), 
	alternate_name VARCHAR(500), 
	description TEXT, 
	transportation TEXT, 
	latitude FLOAT, 
	longitude FLOAT, 
	geo_approximate BOOLEAN NOT NULL, 
	timezone VARCHAR(64), 
	content_hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(organization_id) REFERENCES dir_organization (id) ON DELETE SET NULL, 
	FOREIGN KEY(source_id) REFERENCES dir_source (id) ON DELETE CASCADE, 
	CONSTRAINT uq_dir_location_source_hsds UNIQUE (source_id, hsds_id)
);
INSERT INTO dir_location VALUES(1,1,'l-gem-hr',1,'physical','FICTIONAL 100 Example Avenue',NULL,'FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.',NULL,39.758099999999998885,-84.192099999999996384,0,'America/New_York','d541bcfa40c66d6ed8c9c2926eafd0df8e9dc0e69d6dfdfa94d31bbbbff905ce');
INSERT INTO dir_location VALUES(2,1,'l-mv-rc',2,'physical','FICTIONAL 2200 Sample Road',NULL,'FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.',NULL,39.790500000000001534,-84.210099999999997065,0,'America/New_York','25c4248a230de3743c7593f2417e383920d5573f88c9b4fdcb7da8da4d97d6db');
INSERT INTO dir_location VALUES(3,1,'l-riverbend',3,'physical','FICTIONAL 45 Placeholder Street',NULL,'FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.',NULL,39.751100000000000989,-84.250200000000006637,0,'America/New_York','7f24bb7bf41b2e816971b4090528cdc7679bc4bd888e81fca6033ad180709546');
INSERT INTO dir_location VALUES(4,1,'l-fiverivers',4,'physical','FICTIONAL 900 Demo Boulevard',NULL,'FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.',NULL,39.719000000000001192,-84.137000000000000451,0,'America/New_York','e87da295f8adb3f96bcde85681dfeacdec25fc66fa876be70795dc47e573bb5d');
INSERT INTO dir_location VALUES(5,1,'l-oakwood',5,'physical','FICTIONAL 310 Illustration Lane',NULL,'FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.',NULL,39.747399999999998954,-84.159999999999996591,1,'America/New_York','f35388b4b4f9a7f3c12053540deb993ac885aaecc77ba8b88cdc2708b5a87e3b');
INSERT INTO dir_location VALUES(6,1,'l-second-st',6,'physical','FICTIONAL 12 Fictional Street, Room B',NULL,'FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.',NULL,39.754899999999999238,-84.186800000000005187,0,'America/New_York','91ad116586c76125a0f2bff0f2741da98ccb750ea1decb39ad0b274ed186c2db');
INSERT INTO dir_location VALUES(7,1,'l-peer-net',7,'physical','FICTIONAL 700 Mock Drive',NULL,'FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.',NULL,39.78300000000000125,-84.234999999999999433,0,'America/New_York','c03e68827d89410167cf46206428d660f9fe143c8587db2d1c2e1ca830683cc0');
INSERT INTO dir_location VALUES(8,1,'l-food-share',8,'physical','FICTIONAL 55 Specimen Court',NULL,'FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.',NULL,39.762999999999998125,-84.147999999999996134,0,'America/New_York','73c559feed2231ab567a16bfec592dc4e01969b0cbbdb8036bf5b3d100dc16ec');
INSERT INTO dir_location VALUES(9,1,'l-harbor',9,'physical','FICTIONAL 880 Example Parkway',NULL,'FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.',NULL,39.787999999999996703,-84.159999999999996591,0,'America/New_York','9abc06350d279d0a5c9c962bd525d2827fd7e6ddff68b98972b44d3ce9180697');
INSERT INTO dir_location VALUES(10,1,'l-valley-mh',10,'physical','FICTIONAL 1500 Sample Street',NULL,'FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.',NULL,39.715499999999998692,-84.130099999999998772,0,'America/New_York','deb5c428f76ab43d64ed74b5076156596815498ac7edf33b51d74c37ed4b9948');
CREATE TABLE dir_service (
	id INTEGER NOT NULL, 
	source_id INTEGER NOT NULL, 
	hsds_id VARCHAR(250) NOT NULL, 
	organization_id INTEGER NOT NULL, 
	name VARCHAR(500) NOT NULL, 
	alternate_name VARCHAR(500), 
	description TEXT, 
	url TEXT, 
	email VARCHAR(320), 
	status VARCHAR(40) NOT NULL, 
	fees_description TEXT, 
	eligibility_description TEXT, 
	application_process TEXT, 
	interpretation_services TEXT, 
	alert TEXT, 
	minimum_age FLOAT, 
	maximum_age FLOAT, 
	assured_date DATE, 
	is_free BOOLEAN NOT NULL, 
	is_walk_in BOOLEAN NOT NULL, 
	no_insurance BOOLEAN NOT NULL, 
	content_hash VARCHAR(64) NOT NULL, 
	disabled BOOLEAN NOT NULL, 
	disabled_reason TEXT, 
	disabled_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(organization_id) REFERENCES dir_organization (id) ON DELETE CASCADE, 
	FOREIGN KEY(source_id) REFERENCES dir_source (id) ON DELETE CASCADE, 
	CONSTRAINT uq_dir_service_source_hsds UNIQUE (source_id, hsds_id)
);
INSERT INTO dir_service VALUES(1,1,'s-ssp',1,'FICTIONAL Syringe Services and Safer Use Supplies',NULL,'Sterile syringes, cookers, sharps disposal and safer smoking supplies. No ID or names needed. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-gem-hr/s-ssp',NULL,'active','Free.',NULL,'Walk in during open hours.',NULL,NULL,NULL,NULL,NULL,1,1,1,'c3a511e004ecf953bef0b2d7736bd2572b0786a0df3d4fd5b30178538d73b1d4',0,NULL,NULL);
INSERT INTO dir_service VALUES(2,1,'s-nal',1,'FICTIONAL Naloxone and Fentanyl Test Strips',NULL,'Free naloxone (Narcan) kits with a two-minute how-to, and fentanyl and xylazine test strips. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-gem-hr/s-nal',NULL,'active','Free.',NULL,'Walk in; ask at the front desk.',NULL,NULL,NULL,NULL,NULL,1,1,1,'75490f6e5fa26e4748b710f0e7de9d62f2962dbb82c55925fc5328e59873a473',0,NULL,NULL);
INSERT INTO dir_service VALUES(3,1,'s-bup',2,'FICTIONAL Same-Day Buprenorphine Starts',NULL,'Buprenorphine (Suboxone) started the same day for most people, with follow-up visits and no requirement to do counseling first. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-mv-rc/s-bup',NULL,'active','Sliding scale based on income; Medicaid accepted.','Adults 18+. No insurance needed.','Walk-ins welcome before 3pm.',NULL,NULL,NULL,NULL,NULL,0,1,1,'c681fe7438ef66dd9874d7acc0d58731b59e9c5948df2a266e8832a069b2c6e7',0,NULL,NULL);
INSERT INTO dir_service VALUES(4,1,'s-couns',2,'FICTIONAL Substance Use Counseling',NULL,'One-to-one and group counseling for people at any stage, whether or not they want to stop using. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-mv-rc/s-couns',NULL,'active','Medicaid and most insurance; sliding scale.',NULL,'Call to book a first appointment.',NULL,NULL,NULL,NULL,NULL,0,0,0,'46a2b3f89a8063fe671e3b32b9b4bbb0caad0031db9bd2b7e343eb04dcc15d8a',0,NULL,NULL);
INSERT INTO dir_service VALUES(5,1,'s-mtd',3,'FICTIONAL Methadone Treatment',NULL,'Methadone dosing with counseling and take-homes as people become stable. Early-morning dosing hours. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-riverbend/s-mtd',NULL,'active','Medicaid accepted; ask about help with costs.',NULL,'Intake Monday to Friday 05:30-10:00.',NULL,NULL,NULL,NULL,NULL,0,0,0,'eea6143cc3314a60a56ee0f6bd6be71adb9023960aa36bf3d36887675daccf48',0,NULL,NULL);
INSERT INTO dir_service VALUES(6,1,'s-detox',4,'FICTIONAL 24-Hour Withdrawal Management (Detox)',NULL,'Medically monitored withdrawal, with the option to start buprenorphine before leaving. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-fiverivers/s-detox',NULL,'active','Medicaid accepted.',NULL,'Walk in or call ahead, any time.',NULL,NULL,NULL,NULL,NULL,0,1,0,'b3ccbdc5446da01336416d803d97e5e43bfd03099d31da2817a777d580321128',0,NULL,NULL);
INSERT INTO dir_service VALUES(7,1,'s-med',5,'FICTIONAL Primary Care and Wound Care',NULL,'Primary care, wound and abscess care without judgement, and help signing up for Medicaid. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-oakwood/s-med',NULL,'active','Sliding scale; no one turned away for inability to pay.',NULL,'Same-day appointments most mornings.',NULL,NULL,NULL,NULL,NULL,0,0,1,'9f4d065b0a9f0bd2a63d03ed82b249811a1944c50d46b110e7b770fd513c1037',0,NULL,NULL);
INSERT INTO dir_service VALUES(8,1,'s-test',5,'FICTIONAL HIV and Hepatitis C Testing',NULL,'Rapid HIV and hepatitis C tests with results in about 20 minutes, and linkage to treatment. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-oakwood/s-test',NULL,'active','Free.',NULL,NULL,NULL,NULL,NULL,NULL,NULL,1,1,1,'78456174207507dc1a3c9cd7c2ba822dc9a350884aebed8b26780ac9c05eee21',0,NULL,NULL);
INSERT INTO dir_service VALUES(9,1,'s-mutual',6,'FICTIONAL Evening NA and SMART Recovery Meetings',NULL,'Open meetings anyone can attend, including people on buprenorphine or methadone. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-second-st/s-mutual',NULL,'active','Free.',NULL,'Just show up.',NULL,NULL,NULL,NULL,NULL,1,1,1,'4c62bad89514ec64488f468a3024f15ee71cb6df466266829d04b6a9282c1c4b',0,NULL,NULL);
INSERT INTO dir_service VALUES(10,1,'s-peer',7,'FICTIONAL Peer Recovery Coaching',NULL,'Meet with someone who has been there: help with next steps, treatment, housing and court dates. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-peer-net/s-peer',NULL,'active','Free.',NULL,'Call or text to meet a coach.',NULL,NULL,NULL,NULL,NULL,1,0,1,'cb41c547546d99c2ce4585b6a62218fe39dac39f4d6a79c98a46061048106e75',0,NULL,NULL);
INSERT INTO dir_service VALUES(11,1,'s-food',8,'FICTIONAL Food Pantry',NULL,'Groceries once a week, no questions asked; hot lunch on the second Saturday of each month. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-food-share/s-food',NULL,'active','Free.',NULL,'Walk in; bring a bag if you can.',NULL,NULL,NULL,NULL,NULL,1,1,1,'76ef914cdfc53b0b56505e9487c04e9cd1d3d6cd608e41de75444586a7011cf8',0,NULL,NULL);
INSERT INTO dir_service VALUES(12,1,'s-shelter',9,'FICTIONAL Low-Barrier Overnight Shelter',NULL,'Beds overnight; people who use drugs are welcome and naloxone is on every floor. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-harbor/s-shelter',NULL,'active','Free.',NULL,'Line up from 6:30pm.',NULL,NULL,NULL,NULL,NULL,1,0,1,'9deb49d7de1cfc5baccaeb9d4298020a115d5a4bd424cb04fb8e483a5575a0c2',0,NULL,NULL);
INSERT INTO dir_service VALUES(13,1,'s-mh',10,'FICTIONAL Outpatient Mental Health and Counseling',NULL,'Therapy and psychiatry, including for people who use drugs; Spanish-speaking staff. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-valley-mh/s-mh',NULL,'active','Medicaid, Medicare, sliding scale.',NULL,'Call to schedule.',NULL,NULL,NULL,NULL,NULL,0,0,0,'874f91936be5b14709d41ce8a482757b9d8fd461dbf267c3a1179f5140a34e16',0,NULL,NULL);
INSERT INTO dir_service VALUES(14,1,'s-crisis',10,'FICTIONAL Crisis Walk-In Center',NULL,'Walk in any time to talk with a crisis counselor. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.','https://example.org/o-valley-mh/s-crisis',NULL,'active','Free.',NULL,'Walk in any time.',NULL,NULL,NULL,NULL,NULL,1,1,1,'2d324321ebdbc24ac4f534e53127383c3615f6bd37e1b3c46716f24ad73227cf',0,NULL,NULL);
CREATE TABLE dir_address (
	id INTEGER NOT NULL, 
	location_id INTEGER NOT NULL, 
	hsds_id VARCHAR(250), 
	address_type VARCHAR(20) NOT NULL, 
	attention TEXT, 
	address_1 VARCHAR(500), 
	address_2 TEXT, 
	city VARCHAR(200), 
	region TEXT, 
	state_province VARCHAR(100), 
	postal_code VARCHAR(20), 
	country VARCHAR(60), 
	PRIMARY KEY (id), 
	FOREIGN KEY(location_id) REFERENCES dir_location (id) ON DELETE CASCADE
);
INSERT INTO dir_address VALUES(1,1,'ad-l-gem-hr','physical',NULL,'100 Example Avenue (FICTIONAL)',NULL,'Dayton',NULL,'OH','45402','US');
INSERT INTO dir_address VALUES(2,2,'ad-l-mv-rc','physical',NULL,'2200 Sample Road (FICTIONAL)',NULL,'Dayton',NULL,'OH','45405','US');
INSERT INTO dir_address VALUES(3,3,'ad-l-riverbend','physical',NULL,'45 Placeholder Street (FICTIONAL)',NULL,'Dayton',NULL,'OH','45417','US');
INSERT INTO dir_address VALUES(4,4,'ad-l-fiverivers','physical',NULL,'900 Demo Boulevard (FICTIONAL)',NULL,'Dayton',NULL,'OH','45420','US');
INSERT INTO dir_address VALUES(5,5,'ad-l-oakwood','physical',NULL,'310 Illustration Lane (FICTIONAL)',NULL,'Dayton',NULL,'OH','45410','US');
INSERT INTO dir_address VALUES(6,6,'ad-l-second-st','physical',NULL,'12 Fictional Street, Room B (FICTIONAL)',NULL,'Dayton',NULL,'OH','45402','US');
INSERT INTO dir_address VALUES(7,7,'ad-l-peer-net','physical',NULL,'700 Mock Drive (FICTIONAL)',NULL,'Dayton',NULL,'OH','45406','US');
INSERT INTO dir_address VALUES(8,8,'ad-l-food-share','physical',NULL,'55 Specimen Court (FICTIONAL)',NULL,'Dayton',NULL,'OH','45403','US');
INSERT INTO dir_address VALUES(9,9,'ad-l-harbor','physical',NULL,'880 Example Parkway (FICTIONAL)',NULL,'Dayton',NULL,'OH','45404','US');
INSERT INTO dir_address VALUES(10,10,'ad-l-valley-mh','physical',NULL,'1500 Sample Street (FICTIONAL)',NULL,'Dayton',NULL,'OH','45420','US');
CREATE TABLE dir_language (
	id INTEGER NOT NULL, 
	service_id INTEGER, 
	location_id INTEGER, 
	name VARCHAR(100), 
	code VARCHAR(20), 
	PRIMARY KEY (id), 
	FOREIGN KEY(location_id) REFERENCES dir_location (id) ON DELETE CASCADE, 
	FOREIGN KEY(service_id) REFERENCES dir_service (id) ON DELETE CASCADE
);
INSERT INTO dir_language VALUES(1,2,NULL,'English','en');
INSERT INTO dir_language VALUES(2,2,NULL,'Spanish','es');
INSERT INTO dir_language VALUES(3,7,NULL,'English','en');
INSERT INTO dir_language VALUES(4,7,NULL,'Spanish','es');
INSERT INTO dir_language VALUES(5,8,NULL,'English','en');
INSERT INTO dir_language VALUES(6,8,NULL,'Spanish','es');
INSERT INTO dir_language VALUES(7,13,NULL,'English','en');
INSERT INTO dir_language VALUES(8,13,NULL,'Spanish','es');
CREATE TABLE dir_service_at_location (
	id INTEGER NOT NULL, 
	hsds_id VARCHAR(250), 
	service_id INTEGER NOT NULL, 
	location_id INTEGER NOT NULL, 
	description TEXT, 
	card TEXT, 
	hours TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(location_id) REFERENCES dir_location (id) ON DELETE CASCADE, 
	FOREIGN KEY(service_id) REFERENCES dir_service (id) ON DELETE CASCADE
);
INSERT INTO dir_service_at_location VALUES(1,'sal-s-ssp',1,1,NULL,'{"name":"FICTIONAL Syringe Services and Safer Use Supplies","organization":"FICTIONAL Gem City Harm Reduction Collective","description":"Sterile syringes, cookers, sharps disposal and safer smoking supplies. No ID or names needed. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-gem-hr/s-ssp","fees":"Free.","address":"100 Example Avenue (FICTIONAL), Dayton, OH 45402","city":"Dayton","state":"OH","postal_code":"45402","phone":"937-555-0102","languages":[],"types":["syringe_services"],"flags":["free","no_insurance","walk_in"],"timezone":"America/New_York"}','[{"opens_min":600,"closes_min":1080,"freq":"WEEKLY","interval":null,"byday":"MO,TU,WE,TH,FR","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false},{"opens_min":720,"closes_min":960,"freq":"WEEKLY","interval":null,"byday":"SA","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
INSERT INTO dir_service_at_location VALUES(2,'sal-s-nal',2,1,NULL,'{"name":"FICTIONAL Naloxone and Fentanyl Test Strips","organization":"FICTIONAL Gem City Harm Reduction Collective","description":"Free naloxone (Narcan) kits with a two-minute how-to, and fentanyl and xylazine test strips. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-gem-hr/s-nal","fees":"Free.","address":"100 Example Avenue (FICTIONAL), Dayton, OH 45402","city":"Dayton","state":"OH","postal_code":"45402","phone":"937-555-0103","languages":["English","Spanish"],"types":["naloxone","test_strips"],"flags":["free","no_insurance","walk_in"],"timezone":"America/New_York"}','[{"opens_min":600,"closes_min":1080,"freq":"WEEKLY","interval":null,"byday":"MO,TU,WE,TH,FR","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false},{"opens_min":720,"closes_min":960,"freq":"WEEKLY","interval":null,"byday":"SA","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
INSERT INTO dir_service_at_location VALUES(3,'sal-s-bup',3,2,NULL,'{"name":"FICTIONAL Same-Day Buprenorphine Starts","organization":"FICTIONAL Miami Valley Recovery Clinic","description":"Buprenorphine (Suboxone) started the same day for most people, with follow-up visits and no requirement to do counseling first. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-mv-rc/s-bup","fees":"Sliding scale based on income; Medicaid accepted.","address":"2200 Sample Road (FICTIONAL), Dayton, OH 45405","city":"Dayton","state":"OH","postal_code":"45405","phone":"937-555-0105","languages":[],"types":["treatment","buprenorphine"],"flags":["no_insurance","walk_in"],"timezone":"America/New_York"}','[{"opens_min":480,"closes_min":1020,"freq":"WEEKLY","interval":null,"byday":"MO,TU,WE,TH,FR","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
INSERT INTO dir_service_at_location VALUES(4,'sal-s-couns',4,2,NULL,'{"name":"FICTIONAL Substance Use Counseling","organization":"FICTIONAL Miami Valley Recovery Clinic","description":"One-to-one and group counseling for people at any stage, whether or not they want to stop using. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-mv-rc/s-couns","fees":"Medicaid and most insurance; sliding scale.","address":"2200 Sample Road (FICTIONAL), Dayton, OH 45405","city":"Dayton","state":"OH","postal_code":"45405","phone":"937-555-0106","languages":[],"types":["counselling"],"flags":[],"timezone":"America/New_York"}','[{"opens_min":540,"closes_min":1140,"freq":"WEEKLY","interval":null,"byday":"MO,WE,TH","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
INSERT INTO dir_service_at_location VALUES(5,'sal-s-mtd',5,3,NULL,'{"name":"FICTIONAL Methadone Treatment","organization":"FICTIONAL Riverbend Opioid Treatment Program","description":"Methadone dosing with counseling and take-homes as people become stable. Early-morning dosing hours. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-riverbend/s-mtd","fees":"Medicaid accepted; ask about help with costs.","address":"45 Placeholder Street (FICTIONAL), Dayton, OH 45417","city":"Dayton","state":"OH","postal_code":"45417","phone":"937-555-0108","languages":[],"types":["treatment","methadone"],"flags":[],"timezone":"America/New_York"}','[{"opens_min":330,"closes_min":780,"freq":"WEEKLY","interval":null,"byday":"MO,TU,WE,TH,FR,SA","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false},{"opens_min":420,"closes_min":600,"freq":"WEEKLY","interval":null,"byday":"SU","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
INSERT INTO dir_service_at_location VALUES(6,'sal-s-detox',6,4,NULL,'{"name":"FICTIONAL 24-Hour Withdrawal Management (Detox)","organization":"FICTIONAL Five Rivers Withdrawal Center","description":"Medically monitored withdrawal, with the option to start buprenorphine before leaving. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-fiverivers/s-detox","fees":"Medicaid accepted.","address":"900 Demo Boulevard (FICTIONAL), Dayton, OH 45420","city":"Dayton","state":"OH","postal_code":"45420","phone":"937-555-0110","languages":[],"types":["treatment","buprenorphine","detox"],"flags":["walk_in"],"timezone":"America/New_York"}','[{"opens_min":0,"closes_min":1440,"freq":"WEEKLY","interval":null,"byday":"MO,TU,WE,TH,FR,SA,SU","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
INSERT INTO dir_service_at_location VALUES(7,'sal-s-med',7,5,NULL,'{"name":"FICTIONAL Primary Care and Wound Care","organization":"FICTIONAL Oakwood Street Community Health","description":"Primary care, wound and abscess care without judgement, and help signing up for Medicaid. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-oakwood/s-med","fees":"Sliding scale; no one turned away for inability to pay.","address":"310 Illustration Lane (FICTIONAL), Dayton, OH 45410","city":"Dayton","state":"OH","postal_code":"45410","phone":"937-555-0112","languages":["English","Spanish"],"types":["medical"],"flags":["no_insurance"],"timezone":"America/New_York"}','[{"opens_min":510,"closes_min":990,"freq":"WEEKLY","interval":null,"byday":"MO,TU,WE,TH,FR","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
INSERT INTO dir_service_at_location VALUES(8,'sal-s-test',8,5,NULL,'{"name":"FICTIONAL HIV and Hepatitis C Testing","organization":"FICTIONAL Oakwood Street Community Health","description":"Rapid HIV and hepatitis C tests with results in about 20 minutes, and linkage to treatment. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-oakwood/s-test","fees":"Free.","address":"310 Illustration Lane (FICTIONAL), Dayton, OH 45410","city":"Dayton","state":"OH","postal_code":"45410","phone":"937-555-0113","languages":["English","Spanish"],"types":["testing"],"flags":["free","no_insurance","walk_in"],"timezone":"America/New_York"}','[{"opens_min":600,"closes_min":900,"freq":"WEEKLY","interval":null,"byday":"TU,TH","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
INSERT INTO dir_service_at_location VALUES(9,'sal-s-mutual',9,6,NULL,'{"name":"FICTIONAL Evening NA and SMART Recovery Meetings","organization":"FICTIONAL Second Street Recovery Meetings","description":"Open meetings anyone can attend, including people on buprenorphine or methadone. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-second-st/s-mutual","fees":"Free.","address":"12 Fictional Street, Room B (FICTIONAL), Dayton, OH 45402","city":"Dayton","state":"OH","postal_code":"45402","phone":"937-555-0115","languages":[],"types":["mutual_help"],"flags":["free","no_insurance","walk_in"],"timezone":"America/New_York"}','[{"opens_min":1140,"closes_min":1230,"freq":"WEEKLY","interval":null,"byday":"MO,WE,FR","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false},{"opens_min":1080,"closes_min":1170,"freq":"WEEKLY","interval":null,"byday":"SU","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
INSERT INTO dir_service_at_location VALUES(10,'sal-s-peer',10,7,NULL,'{"name":"FICTIONAL Peer Recovery Coaching","organization":"FICTIONAL Dayton Peer Recovery Network","description":"Meet with someone who has been there: help with next steps, treatment, housing and court dates. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-peer-net/s-peer","fees":"Free.","address":"700 Mock Drive (FICTIONAL), Dayton, OH 45406","city":"Dayton","state":"OH","postal_code":"45406","phone":"937-555-0117","languages":[],"types":["peer_support"],"flags":["free","no_insurance"],"timezone":"America/New_York"}','[{"opens_min":540,"closes_min":1020,"freq":"WEEKLY","interval":null,"byday":"MO,TU,WE,TH,FR","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
INSERT INTO dir_service_at_location VALUES(11,'sal-s-food',11,8,NULL,'{"name":"FICTIONAL Food Pantry","organization":"FICTIONAL Gem City Food Share","description":"Groceries once a week, no questions asked; hot lunch on the second Saturday of each month. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-food-share/s-food","fees":"Free.","address":"55 Specimen Court (FICTIONAL), Dayton, OH 45403","city":"Dayton","state":"OH","postal_code":"45403","phone":"937-555-0119","languages":[],"types":["food"],"flags":["free","no_insurance","walk_in"],"timezone":"America/New_York"}','[{"opens_min":660,"closes_min":840,"freq":"WEEKLY","interval":null,"byday":"TU,TH","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false},{"opens_min":660,"closes_min":780,"freq":"MONTHLY","interval":null,"byday":"2SA","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
INSERT INTO dir_service_at_location VALUES(12,'sal-s-shelter',12,9,NULL,'{"name":"FICTIONAL Low-Barrier Overnight Shelter","organization":"FICTIONAL Harbor House Shelter","description":"Beds overnight; people who use drugs are welcome and naloxone is on every floor. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-harbor/s-shelter","fees":"Free.","address":"880 Example Parkway (FICTIONAL), Dayton, OH 45404","city":"Dayton","state":"OH","postal_code":"45404","phone":"937-555-0121","languages":[],"types":["housing"],"flags":["free","no_insurance"],"timezone":"America/New_York"}','[{"opens_min":1140,"closes_min":420,"freq":"WEEKLY","interval":null,"byday":"MO,TU,WE,TH,FR,SA,SU","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
INSERT INTO dir_service_at_location VALUES(13,'sal-s-mh',13,10,NULL,'{"name":"FICTIONAL Outpatient Mental Health and Counseling","organization":"FICTIONAL Valley Mental Health Access","description":"Therapy and psychiatry, including for people who use drugs; Spanish-speaking staff. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-valley-mh/s-mh","fees":"Medicaid, Medicare, sliding scale.","address":"1500 Sample Street (FICTIONAL), Dayton, OH 45420","city":"Dayton","state":"OH","postal_code":"45420","phone":"937-555-0123","languages":["English","Spanish"],"types":["counselling","mental_health"],"flags":[],"timezone":"America/New_York"}','[{"opens_min":540,"closes_min":1080,"freq":"WEEKLY","interval":null,"byday":"MO,TU,WE,TH,FR","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
INSERT INTO dir_service_at_location VALUES(14,'sal-s-crisis',14,10,NULL,'{"name":"FICTIONAL Crisis Walk-In Center","organization":"FICTIONAL Valley Mental Health Access","description":"Walk in any time to talk with a crisis counselor. FICTIONAL sample record for the Lantern demo. Not a real service; do not refer anyone here.","url":"https://example.org/o-valley-mh/s-crisis","fees":"Free.","address":"1500 Sample Street (FICTIONAL), Dayton, OH 45420","city":"Dayton","state":"OH","postal_code":"45420","phone":"937-555-0124","languages":[],"types":["mental_health","crisis"],"flags":["free","no_insurance","walk_in"],"timezone":"America/New_York"}','[{"opens_min":0,"closes_min":1440,"freq":"WEEKLY","interval":null,"byday":"MO,TU,WE,TH,FR,SA,SU","bymonthday":null,"valid_from":null,"valid_to":null,"dtstart":null,"until":null,"utc_offset_min":null,"closed":false}]');
CREATE TABLE dir_service_term (
	id INTEGER NOT NULL, 
	service_id INTEGER NOT NULL, 
	term_hsds_id VARCHAR(250), 
	taxonomy TEXT, 
	code TEXT, 
	name VARCHAR(500), 
	value TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(service_id) REFERENCES dir_service (id) ON DELETE CASCADE
);
INSERT INTO dir_service_term VALUES(1,1,'t-ssp','dayton-demo','DD-SSP','Syringe Services Program',NULL);
INSERT INTO dir_service_term VALUES(2,1,'l-free','lantern','free','Free',NULL);
INSERT INTO dir_service_term VALUES(3,1,'l-walk','lantern','walk_in','Walk-in, no appointment',NULL);
INSERT INTO dir_service_term VALUES(4,1,'l-noins','lantern','no_insurance','No insurance needed',NULL);
INSERT INTO dir_service_term VALUES(5,2,'t-nal','dayton-demo','DD-NAL','Naloxone Distribution',NULL);
INSERT INTO dir_service_term VALUES(6,2,'t-fts','dayton-demo','DD-FTS','Fentanyl Test Strip Distribution',NULL);
INSERT INTO dir_service_term VALUES(7,2,'l-free','lantern','free','Free',NULL);
INSERT INTO dir_service_term VALUES(8,2,'l-walk','lantern','walk_in','Walk-in, no appointment',NULL);
INSERT INTO dir_service_term VALUES(9,2,'l-noins','lantern','no_insurance','No insurance needed',NULL);
INSERT INTO dir_service_term VALUES(10,3,'t-bup','dayton-demo','DD-MOUD-B','Medication for Opioid Use Disorder - Buprenorphine',NULL);
INSERT INTO dir_service_term VALUES(11,3,'l-walk','lantern','walk_in','Walk-in, no appointment',NULL);
INSERT INTO dir_service_term VALUES(12,3,'l-noins','lantern','no_insurance','No insurance needed',NULL);
INSERT INTO dir_service_term VALUES(13,4,'t-couns','dayton-demo','DD-CNS','Substance Use Counseling',NULL);
INSERT INTO dir_service_term VALUES(14,5,'t-mtd','dayton-demo','DD-MOUD-M','Opioid Treatment Program - Methadone',NULL);
INSERT INTO dir_service_term VALUES(15,6,'t-detox','dayton-demo','DD-WM','Withdrawal Management (Detox)',NULL);
INSERT INTO dir_service_term VALUES(16,6,'t-bup','dayton-demo','DD-MOUD-B','Medication for Opioid Use Disorder - Buprenorphine',NULL);
INSERT INTO dir_service_term VALUES(17,6,'l-walk','lantern','walk_in','Walk-in, no appointment',NULL);
INSERT INTO dir_service_term VALUES(18,7,'t-med','dayton-demo','DD-PC','Primary Care and Wound Care',NULL);
INSERT INTO dir_service_term VALUES(19,7,'l-noins','lantern','no_insurance','No insurance needed',NULL);
INSERT INTO dir_service_term VALUES(20,8,'t-test','dayton-demo','DD-HIV','HIV and Hepatitis C Testing',NULL);
INSERT INTO dir_service_term VALUES(21,8,'l-free','lantern','free','Free',NULL);
INSERT INTO dir_service_term VALUES(22,8,'l-walk','lantern','walk_in','Walk-in, no appointment',NULL);
INSERT INTO dir_service_term VALUES(23,8,'l-noins','lantern','no_insurance','No insurance needed',NULL);
INSERT INTO dir_service_term VALUES(24,9,'t-mutual','dayton-demo','DD-MA','Mutual Aid Support Groups (NA, SMART Recovery)',NULL);
INSERT INTO dir_service_term VALUES(25,9,'l-free','lantern','free','Free',NULL);
INSERT INTO dir_service_term VALUES(26,9,'l-walk','lantern','walk_in','Walk-in, no appointment',NULL);
INSERT INTO dir_service_term VALUES(27,9,'l-noins','lantern','no_insurance','No insurance needed',NULL);
INSERT INTO dir_service_term VALUES(28,10,'t-peer','dayton-demo','DD-PEER','Peer Recovery Support',NULL);
INSERT INTO dir_service_term VALUES(29,10,'l-free','lantern','free','Free',NULL);
INSERT INTO dir_service_term VALUES(30,10,'l-noins','lantern','no_insurance','No insurance needed',NULL);
INSERT INTO dir_service_term VALUES(31,11,'t-food','dayton-demo','DD-FOOD','Food Pantry',NULL);
INSERT INTO dir_service_term VALUES(32,11,'l-free','lantern','free','Free',NULL);
INSERT INTO dir_service_term VALUES(33,11,'l-walk','lantern','walk_in','Walk-in, no appointment',NULL);
INSERT INTO dir_service_term VALUES(34,11,'l-noins','lantern','no_insurance','No insurance needed',NULL);
INSERT INTO dir_service_term VALUES(35,12,'t-shelter','dayton-demo','DD-SHLT','Emergency Shelter',NULL);
INSERT INTO dir_service_term VALUES(36,12,'l-free','lantern','free','Free',NULL);
INSERT INTO dir_service_term VALUES(37,12,'l-noins','lantern','no_insurance','No insurance needed',NULL);
INSERT INTO dir_service_term VALUES(38,13,'t-mh','dayton-demo','DD-MH','Outpatient Mental Health',NULL);
INSERT INTO dir_service_term VALUES(39,13,'t-couns','dayton-demo','DD-CNS','Substance Use Counseling',NULL);
INSERT INTO dir_service_term VALUES(40,14,'t-crisis','dayton-demo','DD-CRISIS','Behavioral Health Crisis Walk-In',NULL);
INSERT INTO dir_service_term VALUES(41,14,'l-free','lantern','free','Free',NULL);
INSERT INTO dir_service_term VALUES(42,14,'l-walk','lantern','walk_in','Walk-in, no appointment',NULL);
INSERT INTO dir_service_term VALUES(43,14,'l-noins','lantern','no_insurance','No insurance needed',NULL);
CREATE TABLE dir_service_type (
	service_id INTEGER NOT NULL, 
	type_code VARCHAR(40) NOT NULL, 
	PRIMARY KEY (service_id, type_code), 
	FOREIGN KEY(service_id) REFERENCES dir_service (id) ON DELETE CASCADE
);
INSERT INTO dir_service_type VALUES(1,'syringe_services');
INSERT INTO dir_service_type VALUES(2,'naloxone');
INSERT INTO dir_service_type VALUES(2,'test_strips');
INSERT INTO dir_service_type VALUES(3,'buprenorphine');
INSERT INTO dir_service_type VALUES(3,'treatment');
INSERT INTO dir_service_type VALUES(4,'counselling');
INSERT INTO dir_service_type VALUES(5,'methadone');
INSERT INTO dir_service_type VALUES(5,'treatment');
INSERT INTO dir_service_type VALUES(6,'buprenorphine');
INSERT INTO dir_service_type VALUES(6,'detox');
INSERT INTO dir_service_type VALUES(6,'treatment');
INSERT INTO dir_service_type VALUES(7,'medical');
INSERT INTO dir_service_type VALUES(8,'testing');
INSERT INTO dir_service_type VALUES(9,'mutual_help');
INSERT INTO dir_service_type VALUES(10,'peer_support');
INSERT INTO dir_service_type VALUES(11,'food');
INSERT INTO dir_service_type VALUES(12,'housing');
INSERT INTO dir_service_type VALUES(13,'counselling');
INSERT INTO dir_service_type VALUES(13,'mental_health');
INSERT INTO dir_service_type VALUES(14,'crisis');
INSERT INTO dir_service_type VALUES(14,'mental_health');
CREATE TABLE dir_phone (
	id INTEGER NOT NULL, 
	hsds_id VARCHAR(250), 
	organization_id INTEGER, 
	service_id INTEGER, 
	location_id INTEGER, 
	service_at_location_id INTEGER, 
	number VARCHAR(50) NOT NULL, 
	extension VARCHAR(20), 
	type VARCHAR(20), 
	description TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(location_id) REFERENCES dir_location (id) ON DELETE CASCADE, 
	FOREIGN KEY(organization_id) REFERENCES dir_organization (id) ON DELETE CASCADE, 
	FOREIGN KEY(service_at_location_id) REFERENCES dir_service_at_location (id) ON DELETE CASCADE, 
	FOREIGN KEY(service_id) REFERENCES dir_service (id) ON DELETE CASCADE
);
INSERT INTO dir_phone VALUES(1,'ph-1',1,NULL,NULL,NULL,'937-555-0101',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(2,'ph-4',2,NULL,NULL,NULL,'937-555-0104',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(3,'ph-7',3,NULL,NULL,NULL,'937-555-0107',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(4,'ph-9',4,NULL,NULL,NULL,'937-555-0109',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(5,'ph-11',5,NULL,NULL,NULL,'937-555-0111',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(6,'ph-14',6,NULL,NULL,NULL,'937-555-0114',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(7,'ph-16',7,NULL,NULL,NULL,'937-555-0116',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(8,'ph-18',8,NULL,NULL,NULL,'937-555-0118',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(9,'ph-20',9,NULL,NULL,NULL,'937-555-0120',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(10,'ph-22',10,NULL,NULL,NULL,'937-555-0122',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(11,'ph-2',NULL,1,NULL,NULL,'937-555-0102',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(12,'ph-3',NULL,2,NULL,NULL,'937-555-0103',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(13,'ph-5',NULL,3,NULL,NULL,'937-555-0105',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(14,'ph-6',NULL,4,NULL,NULL,'937-555-0106',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(15,'ph-8',NULL,5,NULL,NULL,'937-555-0108',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(16,'ph-10',NULL,6,NULL,NULL,'937-555-0110',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(17,'ph-12',NULL,7,NULL,NULL,'937-555-0112',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(18,'ph-13',NULL,8,NULL,NULL,'937-555-0113',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(19,'ph-15',NULL,9,NULL,NULL,'937-555-0115',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(20,'ph-17',NULL,10,NULL,NULL,'937-555-0117',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(21,'ph-19',NULL,11,NULL,NULL,'937-555-0119',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(22,'ph-21',NULL,12,NULL,NULL,'937-555-0121',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(23,'ph-23',NULL,13,NULL,NULL,'937-555-0123',NULL,'voice',NULL);
INSERT INTO dir_phone VALUES(24,'ph-24',NULL,14,NULL,NULL,'937-555-0124',NULL,'voice',NULL);
CREATE TABLE dir_schedule (
	id INTEGER NOT NULL, 
	hsds_id VARCHAR(250), 
	service_id INTEGER, 
	location_id INTEGER, 
	service_at_location_id INTEGER, 
	freq VARCHAR(10), 
	interval INTEGER, 
	byday VARCHAR(100), 
	bymonthday VARCHAR(100), 
	opens_at VARCHAR(20), 
	closes_at VARCHAR(20), 
	opens_min INTEGER, 
	closes_min INTEGER, 
	utc_offset_min INTEGER, 
	valid_from DATE, 
	valid_to DATE, 
	dtstart DATE, 
	until DATE, 
	closed BOOLEAN NOT NULL, 
	description TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(location_id) REFERENCES dir_location (id) ON DELETE CASCADE, 
	FOREIGN KEY(service_at_location_id) REFERENCES dir_service_at_location (id) ON DELETE CASCADE, 
	FOREIGN KEY(service_id) REFERENCES dir_service (id) ON DELETE CASCADE
);
INSERT INTO dir_schedule VALUES(1,'sc-s-ssp-0',NULL,NULL,1,'WEEKLY',NULL,'MO,TU,WE,TH,FR',NULL,'10:00','18:00',600,1080,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(2,'sc-s-ssp-1',NULL,NULL,1,'WEEKLY',NULL,'SA',NULL,'12:00','16:00',720,960,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(3,'sc-s-nal-0',NULL,NULL,2,'WEEKLY',NULL,'MO,TU,WE,TH,FR',NULL,'10:00','18:00',600,1080,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(4,'sc-s-nal-1',NULL,NULL,2,'WEEKLY',NULL,'SA',NULL,'12:00','16:00',720,960,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(5,'sc-s-bup-0',NULL,NULL,3,'WEEKLY',NULL,'MO,TU,WE,TH,FR',NULL,'08:00','17:00',480,1020,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(6,'sc-s-couns-0',NULL,NULL,4,'WEEKLY',NULL,'MO,WE,TH',NULL,'09:00','19:00',540,1140,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(7,'sc-s-mtd-0',NULL,NULL,5,'WEEKLY',NULL,'MO,TU,WE,TH,FR,SA',NULL,'05:30','13:00',330,780,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(8,'sc-s-mtd-1',NULL,NULL,5,'WEEKLY',NULL,'SU',NULL,'07:00','10:00',420,600,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(9,'sc-s-detox-0',NULL,NULL,6,'WEEKLY',NULL,'MO,TU,WE,TH,FR,SA,SU',NULL,'00:00','24:00',0,1440,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(10,'sc-s-med-0',NULL,NULL,7,'WEEKLY',NULL,'MO,TU,WE,TH,FR',NULL,'08:30','16:30',510,990,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(11,'sc-s-test-0',NULL,NULL,8,'WEEKLY',NULL,'TU,TH',NULL,'10:00','15:00',600,900,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(12,'sc-s-mutual-0',NULL,NULL,9,'WEEKLY',NULL,'MO,WE,FR',NULL,'19:00','20:30',1140,1230,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(13,'sc-s-mutual-1',NULL,NULL,9,'WEEKLY',NULL,'SU',NULL,'18:00','19:30',1080,1170,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(14,'sc-s-peer-0',NULL,NULL,10,'WEEKLY',NULL,'MO,TU,WE,TH,FR',NULL,'09:00','17:00',540,1020,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(15,'sc-s-food-0',NULL,NULL,11,'WEEKLY',NULL,'TU,TH',NULL,'11:00','14:00',660,840,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(16,'sc-s-food-1',NULL,NULL,11,'MONTHLY',NULL,'2SA',NULL,'11:00','13:00',660,780,NULL,NULL,NULL,NULL,NULL,0,'Second Saturday lunch');
INSERT INTO dir_schedule VALUES(17,'sc-s-shelter-0',NULL,NULL,12,'WEEKLY',NULL,'MO,TU,WE,TH,FR,SA,SU',NULL,'19:00','07:00',1140,420,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(18,'sc-s-mh-0',NULL,NULL,13,'WEEKLY',NULL,'MO,TU,WE,TH,FR',NULL,'09:00','18:00',540,1080,NULL,NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO dir_schedule VALUES(19,'sc-s-crisis-0',NULL,NULL,14,'WEEKLY',NULL,'MO,TU,WE,TH,FR,SA,SU',NULL,'00:00','24:00',0,1440,NULL,NULL,NULL,NULL,NULL,0,NULL);
CREATE INDEX ix_dir_term_source ON dir_taxonomy_term (source_id, hsds_id);
CREATE INDEX ix_dir_location_lat_lon ON dir_location (latitude, longitude);
CREATE INDEX ix_dir_service_org ON dir_service (organization_id);
CREATE INDEX ix_dir_address_location ON dir_address (location_id);
CREATE INDEX ix_dir_address_postal ON dir_address (postal_code);
CREATE INDEX ix_dir_language_location ON dir_language (location_id);
CREATE INDEX ix_dir_language_service ON dir_language (service_id);
CREATE INDEX ix_dir_sal_location ON dir_service_at_location (location_id);
CREATE INDEX ix_dir_sal_service ON dir_service_at_location (service_id);
CREATE INDEX ix_dir_service_term_service ON dir_service_term (service_id);
CREATE INDEX ix_dir_service_type_code ON dir_service_type (type_code, service_id);
CREATE INDEX ix_dir_phone_location ON dir_phone (location_id);
CREATE INDEX ix_dir_phone_org ON dir_phone (organization_id);
CREATE INDEX ix_dir_phone_sal ON dir_phone (service_at_location_id);
CREATE INDEX ix_dir_phone_service ON dir_phone (service_id);
CREATE INDEX ix_dir_schedule_location ON dir_schedule (location_id);
CREATE INDEX ix_dir_schedule_sal ON dir_schedule (service_at_location_id);
CREATE INDEX ix_dir_schedule_service ON dir_schedule (service_id);
COMMIT;
