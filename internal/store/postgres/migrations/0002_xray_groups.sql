-- X-Ray groups: a named filter expression per project, its insights
-- settings, and its tags as a JSON array of {"Key","Value"}.

CREATE TABLE xray_groups (
	project               text COLLATE "C" NOT NULL,
	name                  text COLLATE "C" NOT NULL,
	id                    text NOT NULL,
	filter_expression     text NOT NULL,
	insights_enabled      boolean NOT NULL,
	notifications_enabled boolean NOT NULL,
	tags                  text NOT NULL DEFAULT '[]',
	created_ns            bigint NOT NULL,
	updated_ns            bigint NOT NULL,
	PRIMARY KEY (project, name)
);
