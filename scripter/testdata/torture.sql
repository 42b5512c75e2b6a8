-- mssqldump torture database: every data type, every constraint kind,
-- temporal, sparse, cyclic FKs, disabled/untrusted constraints, odd names.
-- The catalog it produces is described (with server-generated names
-- standing in for system-named constraints) by fixtures/torture.json; keep
-- the two in step. Run it in an EMPTY database (SQL Server 2019 or later,
-- or Azure SQL Database), e.g. with mssqldump restore or sqlcmd -I -i.
-- This file itself must survive sqlcmd: no $( anywhere, tricky text is
-- built with NCHAR() and concatenation.
SET NOCOUNT ON;
SET ANSI_NULLS ON;
SET ANSI_PADDING ON;
SET ANSI_WARNINGS ON;
SET ARITHABORT ON;
SET CONCAT_NULL_YIELDS_NULL ON;
SET NUMERIC_ROUNDABORT OFF;
SET QUOTED_IDENTIFIER ON;
GO
IF (SELECT snapshot_isolation_state FROM sys.databases WHERE database_id = DB_ID()) = 0
	EXEC (N'ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION ON');
GO
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Torture database for mssqldump';
GO

-- principals and schemas
CREATE USER [app_user] WITHOUT LOGIN WITH DEFAULT_SCHEMA = [sales];
GO
CREATE ROLE [app_readers];
GO
ALTER ROLE [app_readers] ADD MEMBER [app_user];
ALTER ROLE [db_datareader] ADD MEMBER [app_readers];
GO
CREATE SCHEMA [sales];
GO
CREATE SCHEMA [we]]ird 'sch' ü] AUTHORIZATION [app_user];
GO
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Sales objects', @level0type = N'SCHEMA', @level0name = N'sales';
GO

-- types
CREATE XML SCHEMA COLLECTION [dbo].[OrderSchema] AS N'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:torture"><xsd:element name="order"><xsd:complexType><xsd:sequence><xsd:element name="line" type="xsd:string" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence><xsd:attribute name="id" type="xsd:int"/></xsd:complexType></xsd:element></xsd:schema>';
GO
CREATE TYPE [dbo].[Money2] FROM decimal(19, 4) NOT NULL;
GO
CREATE TYPE [dbo].[Phone] FROM nvarchar(20) NULL;
GO
CREATE TYPE [dbo].[OrderLines] AS TABLE (
	[LineNo] int NOT NULL PRIMARY KEY CLUSTERED,
	[Sku] varchar(20) NOT NULL UNIQUE NONCLUSTERED,
	[Qty] int NOT NULL DEFAULT ((1)) CHECK ([Qty]>(0)),
	INDEX [IX_Qty] NONCLUSTERED ([Qty])
);
-- next: a stand-alone default and rule (sp_bindefault / sp_bindrule), bound below after the data
GO
CREATE DEFAULT [dbo].[DefZero] AS 0
GO
CREATE RULE [dbo].[RuleNonNegative] AS @value >= 0
GO

-- sequences (used ones are advanced below, with the data)
CREATE SEQUENCE [dbo].[OrderNumbers] AS bigint START WITH 1000 INCREMENT BY 1 MINVALUE 1000 MAXVALUE 9223372036854775807 NO CYCLE CACHE 50;
GO
CREATE SEQUENCE [dbo].[Ticket] AS decimal(38, 0) START WITH -99999999999999999999999999999999999999 INCREMENT BY 10
	MINVALUE -99999999999999999999999999999999999999 MAXVALUE 99999999999999999999999999999999999999 NO CYCLE NO CACHE;
GO
CREATE SEQUENCE [sales].[Countdown] AS smallint START WITH 10 INCREMENT BY -1 MINVALUE -10 MAXVALUE 10 CYCLE CACHE;
-- next: a function a table's computed column needs
GO
CREATE FUNCTION dbo.fnDouble (@x int)
RETURNS int
WITH SCHEMABINDING
AS
BEGIN
	RETURN @x * 2;
END
GO

-- tables
CREATE TABLE [dbo].[AllTypes] (
	[Id] int IDENTITY(1,1) NOT NULL,
	[c_bigint] bigint NULL,
	[c_int] int NULL,
	[c_smallint] smallint NULL,
	[c_tinyint] tinyint NULL,
	[c_bit] bit NULL,
	[c_decimal] decimal(38, 10) NULL,
	[c_numeric] numeric(5, 0) NULL,
	[c_money] money NULL,
	[c_smallmoney] smallmoney NULL,
	[c_float] float NULL,
	[c_real] real NULL,
	[c_date] date NULL,
	[c_time] time(7) NULL,
	[c_time0] time(0) NULL,
	[c_datetime] datetime NULL,
	[c_datetime2] datetime2(3) NULL,
	[c_smalldatetime] smalldatetime NULL,
	[c_dto] datetimeoffset(7) NULL,
	[c_char] char(10) NULL,
	[c_varchar] varchar(50) NULL,
	[c_varcharmax] varchar(max) NULL,
	[c_text] text NULL,
	[c_nchar] nchar(10) NULL,
	[c_nvarchar] nvarchar(50) NULL,
	[c_nvarcharmax] nvarchar(max) NULL,
	[c_ntext] ntext NULL,
	[c_binary] binary(16) NULL,
	[c_varbinary] varbinary(100) NULL,
	[c_varbinarymax] varbinary(max) NULL,
	[c_image] image NULL,
	[c_guid] uniqueidentifier ROWGUIDCOL NOT NULL CONSTRAINT [DF_AllTypes_guid] DEFAULT (newsequentialid()),
	[c_xml] xml NULL,
	[c_typedxml] xml(CONTENT [dbo].[OrderSchema]) NULL,
	[c_sqlvariant] sql_variant NULL,
	[c_hierarchyid] hierarchyid NULL,
	[c_geography] geography NULL,
	[c_geometry] geometry NULL,
	[c_rowversion] rowversion NOT NULL,
	[c_phone] [dbo].[Phone] NULL,
	[c_sysname] sysname NULL,
	[c_collated] varchar(20) COLLATE Latin1_General_BIN2 NULL,
	[c_computed] AS ([c_int]*(2)) PERSISTED,
	[c_upper] AS (upper([c_varchar])),
	[c_doubled] AS ([dbo].[fnDouble]([c_int])),
	CONSTRAINT [PK_AllTypes] PRIMARY KEY CLUSTERED ([Id] ASC) WITH (DATA_COMPRESSION = PAGE)
);
GO
CREATE PRIMARY XML INDEX [PXML_AllTypes_xml] ON [dbo].[AllTypes] ([c_xml]);
GO
CREATE XML INDEX [SXML_AllTypes_xml_path] ON [dbo].[AllTypes] ([c_xml]) USING XML INDEX [PXML_AllTypes_xml] FOR PATH;
GO
CREATE SPATIAL INDEX [SIX_AllTypes_geometry] ON [dbo].[AllTypes] ([c_geometry])
	USING GEOMETRY_AUTO_GRID WITH (BOUNDING_BOX = (0, 0, 100, 100), CELLS_PER_OBJECT = 16);
GO
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'One column of every type', @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'AllTypes';
DECLARE @v sql_variant = CONVERT(nvarchar(4000), N'Line one' + NCHAR(10) + N'line two with $' + N'(notavar) and ''quotes''');
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = @v, @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'AllTypes', @level2type = N'COLUMN', @level2name = N'c_xml';
GO

CREATE TABLE [dbo].[Parent] (
	[Id] int NOT NULL CONSTRAINT [PK_Parent] PRIMARY KEY CLUSTERED,
	[Name] nvarchar(50) NOT NULL,
	[FavoriteChildId] int NULL
);
CREATE TABLE [dbo].[Child] (
	[Id] int NOT NULL CONSTRAINT [PK_Child] PRIMARY KEY CLUSTERED,
	[ParentId] int NOT NULL,
	[Name] nvarchar(50) NOT NULL,
	[Touched] datetime2(7) NULL DEFAULT (sysutcdatetime()),
	CONSTRAINT [UQ_Child_Parent_Name] UNIQUE NONCLUSTERED ([ParentId], [Name])
);
ALTER TABLE [dbo].[Child] ADD CONSTRAINT [FK_Child_Parent] FOREIGN KEY ([ParentId]) REFERENCES [dbo].[Parent] ([Id]) ON DELETE CASCADE;
ALTER TABLE [dbo].[Parent] ADD CONSTRAINT [FK_Parent_FavoriteChild] FOREIGN KEY ([FavoriteChildId]) REFERENCES [dbo].[Child] ([Id]);
DECLARE @version sql_variant = CONVERT(int, 3);
EXEC sys.sp_addextendedproperty @name = N'Version', @value = @version, @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Parent';
GO

CREATE TABLE [dbo].[Employee] (
	[Id] int NOT NULL CONSTRAINT [PK_Employee] PRIMARY KEY CLUSTERED,
	[ManagerId] int NULL CONSTRAINT [FK_Employee_Manager] REFERENCES [dbo].[Employee] ([Id]),
	[Email] varchar(320) NOT NULL CONSTRAINT [UQ_Employee_Email] UNIQUE NONCLUSTERED
);
GO

CREATE TABLE [dbo].[Legacy] (
	[Id] bigint IDENTITY(-9223372036854775808,1) NOT NULL CONSTRAINT [PK_Legacy] PRIMARY KEY NONCLUSTERED,
	[ParentId] int NULL,
	[ChildId] int NULL,
	[Amount] decimal(9, 2) NOT NULL,
	CONSTRAINT [UQ_Legacy_Clustered] UNIQUE CLUSTERED ([Amount], [Id])
);
GO

CREATE TABLE [dbo].[SparseProps] (
	[Id] int NOT NULL CONSTRAINT [PK_SparseProps] PRIMARY KEY CLUSTERED,
	[Color] varchar(20) SPARSE NULL,
	[Size] int SPARSE NULL,
	[AllProps] xml COLUMN_SET FOR ALL_SPARSE_COLUMNS NULL
);
GO

CREATE TABLE [dbo].[AccountHistory] (
	[AccountId] int NOT NULL,
	[Balance] money NOT NULL,
	[ValidFrom] datetime2(7) NOT NULL,
	[ValidTo] datetime2(7) NOT NULL
);
CREATE CLUSTERED INDEX [ix_AccountHistory] ON [dbo].[AccountHistory] ([ValidTo], [ValidFrom]);
CREATE TABLE [dbo].[Account] (
	[AccountId] int NOT NULL CONSTRAINT [PK_Account] PRIMARY KEY CLUSTERED,
	[Balance] money NOT NULL,
	[ValidFrom] datetime2(7) GENERATED ALWAYS AS ROW START HIDDEN NOT NULL,
	[ValidTo] datetime2(7) GENERATED ALWAYS AS ROW END HIDDEN NOT NULL,
	PERIOD FOR SYSTEM_TIME ([ValidFrom], [ValidTo])
)
WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = [dbo].[AccountHistory], HISTORY_RETENTION_PERIOD = 6 MONTHS));
GO

CREATE TABLE [sales].[Orders] (
	[OrderId] bigint NOT NULL CONSTRAINT [DF_Orders_OrderId] DEFAULT (NEXT VALUE FOR [dbo].[OrderNumbers]) CONSTRAINT [PK_Orders] PRIMARY KEY NONCLUSTERED,
	[CustomerName] nvarchar(100) MASKED WITH (FUNCTION = 'partial(1, "xxx", 1)') NOT NULL,
	[Status] tinyint NOT NULL,
	[ShippedAt] datetime2(0) NULL,
	[Total] [dbo].[Money2] NOT NULL,
	[Notes] nvarchar(max) NULL,
	[Notes_len] AS (len([Notes])) PERSISTED
);
CREATE NONCLUSTERED INDEX [IX_Orders_Unshipped] ON [sales].[Orders] ([Status]) INCLUDE ([Total], [CustomerName]) WHERE ([ShippedAt] IS NULL);
CREATE NONCLUSTERED INDEX [IX_Orders_ShippedAt] ON [sales].[Orders] ([ShippedAt] DESC, [OrderId]) WITH (PAD_INDEX = ON, FILLFACTOR = 80);
CREATE UNIQUE NONCLUSTERED INDEX [UX_Orders_Customer] ON [sales].[Orders] ([CustomerName], [OrderId]) WITH (IGNORE_DUP_KEY = ON, ALLOW_PAGE_LOCKS = OFF);
CREATE NONCLUSTERED INDEX [IX_Orders_Disabled] ON [sales].[Orders] ([Notes_len]);
GO

CREATE TABLE [dbo].[Facts] (
	[Id] bigint NOT NULL CONSTRAINT [PK_Facts] PRIMARY KEY CLUSTERED,
	[A] int NULL,
	[B] int NULL
);
ALTER TABLE [dbo].[Facts] SET (LOCK_ESCALATION = AUTO);
GO
IF NOT EXISTS (SELECT 1 FROM sys.change_tracking_databases WHERE database_id = DB_ID())
	EXEC (N'ALTER DATABASE CURRENT SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 2 DAYS, AUTO_CLEANUP = ON)');
GO
ALTER TABLE [dbo].[Facts] ENABLE CHANGE_TRACKING;
GO

CREATE TABLE [dbo].[FactsArchive] ([Day] date NOT NULL, [Amount] money NOT NULL);
CREATE CLUSTERED COLUMNSTORE INDEX [CCI_FactsArchive] ON [dbo].[FactsArchive] WITH (DATA_COMPRESSION = COLUMNSTORE_ARCHIVE);
GO

CREATE TABLE [dbo].[Heap] ([Line] nvarchar(4000) NULL, [Raw] varbinary(8000) NULL) WITH (DATA_COMPRESSION = ROW);
GO

CREATE TABLE [we]]ird 'sch' ü].[Tab]]le "x" ü 😀] (
	[Id] int NOT NULL CONSTRAINT [PK ]]weird] PRIMARY KEY CLUSTERED,
	[col]]umn ' ü] int NULL CONSTRAINT [FK ]]weird' ü] REFERENCES [dbo].[Parent] ([Id]) ON DELETE SET NULL,
	[space col] nvarchar(10) NULL
);
EXEC sys.sp_addextendedproperty @name = N'ü ]prop', @value = N'😀', @level0type = N'SCHEMA', @level0name = N'we]ird ''sch'' ü',
	@level1type = N'TABLE', @level1name = N'Tab]le "x" ü 😀', @level2type = N'COLUMN', @level2name = N'col]umn '' ü';
GO

CREATE SYNONYM [dbo].[synChild] FOR [dbo].[Child];
-- next: views, functions, procedures (each batch is exactly its definition)
GO
CREATE FUNCTION dbo.fnChildren (@parent int)
RETURNS TABLE
AS
RETURN SELECT c.Id, c.Name FROM dbo.Child AS c WHERE c.ParentId = @parent
GO
CREATE VIEW dbo.vChildCount WITH SCHEMABINDING
AS
SELECT ParentId, COUNT_BIG(*) AS Children
FROM dbo.Child
GROUP BY ParentId
GO
CREATE UNIQUE CLUSTERED INDEX [CIX_vChildCount] ON [dbo].[vChildCount] ([ParentId]);
GO
CREATE FUNCTION dbo.fnTotals ()
RETURNS @t TABLE (ParentId int, Children bigint)
AS
BEGIN
	INSERT @t SELECT ParentId, Children FROM dbo.vChildCount;
	RETURN;
END
GO
CREATE VIEW dbo.vSyn AS SELECT Id, Name FROM dbo.synChild
GO
CREATE VIEW sales.vOpenOrders
AS
SELECT o.OrderId, o.CustomerName, t.Children
FROM sales.Orders AS o
CROSS APPLY dbo.fnTotals() AS t
WHERE o.ShippedAt IS NULL
GO
CREATE PROCEDURE dbo.uspAddChild @parent int, @name nvarchar(50)
AS
INSERT dbo.Child (Id, ParentId, Name)
SELECT ISNULL(MAX(Id), 0) + 1, @parent, @name FROM dbo.Child;
GO
EXEC sys.sp_addextendedproperty @name = N'Nothing', @value = NULL, @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'PROCEDURE', @level1name = N'uspAddChild';
GO
SET ANSI_NULLS OFF;
SET QUOTED_IDENTIFIER OFF;
GO
CREATE PROCEDURE dbo.uspLegacySettings
AS
SELECT "literal in double quotes" AS x WHERE NULL = NULL;
GO
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- A definition no sqlcmd batch can carry verbatim: a GO line inside a
-- comment, "$(", a backslash before a quote and before a line break, CRLF.
DECLARE @d nvarchar(max) = CONCAT(
	N'CREATE PROCEDURE [dbo].[usp''Tricky]]]', NCHAR(10), N'AS', NCHAR(10),
	N'/* a comment with a line that is only GO:', NCHAR(10), N'G', N'O', NCHAR(10), N'*/', NCHAR(10),
	N'SELECT N''$', N'(notavar)'' AS v, N''C:', NCHAR(92), N''' AS path,', NCHAR(10),
	N'       N''line one', NCHAR(92), NCHAR(10), N'line two'' AS continued;', NCHAR(13), NCHAR(10));
EXEC sys.sp_executesql @d;
GO
CREATE PROCEDURE dbo.uspSecret WITH ENCRYPTION
AS
SELECT 42 AS answer;
GO

-- data (tricky values: sqlcmd variables, GO lines, NUL, backslash-newline, extremes)
INSERT [dbo].[AllTypes] ([c_bigint], [c_int], [c_smallint], [c_tinyint], [c_bit], [c_decimal], [c_numeric], [c_money], [c_smallmoney],
	[c_float], [c_real], [c_date], [c_time], [c_time0], [c_datetime], [c_datetime2], [c_smalldatetime], [c_dto],
	[c_char], [c_varchar], [c_varcharmax], [c_text], [c_nchar], [c_nvarchar], [c_nvarcharmax], [c_ntext],
	[c_binary], [c_varbinary], [c_varbinarymax], [c_image], [c_xml], [c_typedxml], [c_sqlvariant],
	[c_hierarchyid], [c_geography], [c_geometry], [c_phone], [c_sysname], [c_collated])
VALUES
(9223372036854775807, 2147483647, 32767, 255, 1, 9999999999999999999999999999.9999999999, 99999, 922337203685477.5807, 214748.3647,
	1.7976931348623157E+308, 3.4028235E+38, '9999-12-31', '23:59:59.9999999', '23:59:59', '9999-12-31T23:59:59.997', '9999-12-31T23:59:59.999', '2079-06-06T23:59:00', '9999-12-31T23:59:59.9999999+14:00',
	'max', 'x', REPLICATE(CONVERT(varchar(max), 'v'), 9000), 'text', N'ü', N'😀 $' + N'(x)', REPLICATE(CONVERT(nvarchar(max), N'ü'), 5000), N'ntext ü',
	0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF, 0x00, CONVERT(varbinary(max), REPLICATE(CONVERT(varchar(max), 'b'), 9000)), 0x89504E47,
	N'<a b="1">&amp;</a>', N'<order id="1"><line>x</line></order>', CONVERT(sql_variant, CONVERT(decimal(10, 3), 12.345)),
	hierarchyid::Parse('/1/2/3/'), geography::Point(47.65, -122.34, 4326), geometry::STGeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))', 0),
	N'+1 555 0100', N'sysname ü', 'BIN2'),
(-9223372036854775808, -2147483648, -32768, 0, 0, -9999999999999999999999999999.9999999999, -99999, -922337203685477.5808, -214748.3648,
	-2.2250738585072014E-308, -1.17549435E-38, '0001-01-01', '00:00:00', '00:00:00', '1753-01-01T00:00:00', '0001-01-01T00:00:00', '1900-01-01T00:00:00', '0001-01-01T00:00:00-14:00',
	'', '', '', '', N'', N'', N'', N'',
	0x, 0x, 0x, 0x,
	N'', NULL, CONVERT(sql_variant, N'variant ü'),
	hierarchyid::GetRoot(), geography::STGeomFromText('LINESTRING(-122.36 47.656, -122.343 47.656)', 4326), geometry::Point(1, 2, 0),
	NULL, NULL, NULL),
(NULL, 21, NULL, NULL, NULL, 0.0000000001, 0, 0.0001, 0, 0.1, 0.1, NULL, '12:34:56.1234567', NULL, '2000-02-29T12:00:00.003', NULL, NULL, '2024-01-01T00:00:00+05:45',
	'tab	end  ', N'quote''s', N'line1' + NCHAR(13) + NCHAR(10) + N'GO' + NCHAR(13) + NCHAR(10) + N'line3', NULL,
	NULL, N'nul' + NCHAR(0) + N'char', N'back\' + NCHAR(10) + N'slash and $' + N'(var) and :r file' + NCHAR(10) + N'GO', NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, CONVERT(sql_variant, CONVERT(datetime2(7), '2020-01-01T01:02:03.4567891')),
	NULL, NULL, NULL, NULL, NULL, 'abc');
GO

INSERT [dbo].[Parent] ([Id], [Name], [FavoriteChildId]) VALUES (1, N'Ann', NULL), (2, N'Bob ''the'' builder', NULL);
INSERT [dbo].[Child] ([Id], [ParentId], [Name], [Touched]) VALUES (1, 1, N'Cy', '2024-01-01T00:00:00'), (2, 1, N'Di', NULL), (3, 2, N'Ed', NULL);
UPDATE [dbo].[Parent] SET [FavoriteChildId] = 2 WHERE [Id] = 1;
INSERT [dbo].[Employee] ([Id], [ManagerId], [Email]) VALUES (1, NULL, 'boss@example.com'), (2, 1, 'dev@example.com'), (3, 2, 'intern@example.com');
INSERT [dbo].[Legacy] ([ParentId], [ChildId], [Amount]) VALUES (1, 1, 10.50), (999, 3, 5000.00), (NULL, NULL, 0.01);
INSERT [dbo].[SparseProps] ([Id], [Color], [Size]) VALUES (1, 'red', NULL), (2, NULL, 42), (3, NULL, NULL);
INSERT [dbo].[Account] ([AccountId], [Balance]) VALUES (1, 100), (2, 200);
UPDATE [dbo].[Account] SET [Balance] = [Balance] + 1 WHERE [AccountId] = 1;
DELETE [dbo].[Account] WHERE [AccountId] = 2;
INSERT [sales].[Orders] ([CustomerName], [Status], [ShippedAt], [Total], [Notes]) VALUES
	(N'Zoë', 1, NULL, 12.3456, N'first'), (N'Ölaf', 2, '2024-02-29T10:00:00', 0, NULL), (N'Ann', 1, NULL, -1.0001, N'$' + N'(notavar)');
INSERT [dbo].[Facts] ([Id], [A], [B]) VALUES (1, 1, 2), (2, NULL, 3);
INSERT [dbo].[FactsArchive] ([Day], [Amount]) VALUES ('2024-01-01', 1.5), ('2024-01-02', -2.25);
INSERT [dbo].[Heap] ([Line], [Raw]) VALUES (N'GO', 0x474F), (N'  go 5  ', NULL), (NULL, 0x00), (N'', 0x);
INSERT [we]]ird 'sch' ü].[Tab]]le "x" ü 😀] ([Id], [col]]umn ' ü], [space col]) VALUES (1, 1, N'ü ]]'), (2, NULL, NULL);
GO
-- advance the sequences to the states the fixture records
DECLARE @n sql_variant;
SET @n = NEXT VALUE FOR [sales].[Countdown];
SET @n = NEXT VALUE FOR [sales].[Countdown];
SET @n = NEXT VALUE FOR [sales].[Countdown];
SET @n = NEXT VALUE FOR [sales].[Countdown];
GO

-- post-data: constraints kept disabled/untrusted, triggers, permissions
ALTER TABLE [dbo].[Legacy] WITH NOCHECK ADD CONSTRAINT [FK_Legacy_Parent] FOREIGN KEY ([ParentId]) REFERENCES [dbo].[Parent] ([Id]);
ALTER TABLE [dbo].[Legacy] NOCHECK CONSTRAINT [FK_Legacy_Parent];
ALTER TABLE [dbo].[Legacy] WITH NOCHECK ADD CONSTRAINT [FK_Legacy_Child] FOREIGN KEY ([ChildId]) REFERENCES [dbo].[Child] ([Id]) NOT FOR REPLICATION;
ALTER TABLE [dbo].[Legacy] WITH NOCHECK ADD CONSTRAINT [CK_Legacy_Positive] CHECK ([Amount]>(0));
ALTER TABLE [dbo].[Legacy] WITH NOCHECK ADD CONSTRAINT [CK_Legacy_Small] CHECK NOT FOR REPLICATION ([Amount]<(1000));
ALTER TABLE [dbo].[Legacy] NOCHECK CONSTRAINT [CK_Legacy_Small];
ALTER INDEX [IX_Orders_Disabled] ON [sales].[Orders] DISABLE;
GO
-- the type is bound futureonly: [sales].[Orders].[Total] keeps no default or rule
EXEC sys.sp_bindefault @defname = N'[dbo].[DefZero]', @objname = N'[dbo].[Money2]', @futureonly = 'futureonly';
EXEC sys.sp_bindrule @rulename = N'[dbo].[RuleNonNegative]', @objname = N'[dbo].[Money2]', @futureonly = 'futureonly';
EXEC sys.sp_bindefault @defname = N'[dbo].[DefZero]', @objname = N'[dbo].[Facts].[A]';
EXEC sys.sp_bindrule @rulename = N'[dbo].[RuleNonNegative]', @objname = N'[dbo].[Facts].[B]';
GO
CREATE TRIGGER dbo.trg_Child_Audit ON dbo.Child AFTER INSERT, UPDATE
AS
SET NOCOUNT ON;
UPDATE c SET Touched = SYSUTCDATETIME()
FROM dbo.Child AS c JOIN inserted AS i ON i.Id = c.Id;
GO
EXEC sys.sp_settriggerorder @triggername = N'[dbo].[trg_Child_Audit]', @order = N'First', @stmttype = N'INSERT';
EXEC sys.sp_settriggerorder @triggername = N'[dbo].[trg_Child_Audit]', @order = N'First', @stmttype = N'UPDATE';
GO
CREATE TRIGGER dbo.trg_Child_Disabled ON dbo.Child AFTER DELETE
AS
THROW 50000, N'deletes are disabled', 1;
GO
DISABLE TRIGGER [dbo].[trg_Child_Disabled] ON [dbo].[Child];
GO
DECLARE @t nvarchar(max) = CONCAT(
	N'CREATE TRIGGER [we]]ird ''sch'' ü].[trg ]]weird] ON [we]]ird ''sch'' ü].[Tab]]le "x" ü 😀] AFTER INSERT', NCHAR(10),
	N'AS', NCHAR(10), N'PRINT N''ü ''''$', N'(notavar)'''' 😀'';');
EXEC sys.sp_executesql @t;
GO
GRANT SELECT ON SCHEMA::[sales] TO [app_readers];
DENY DELETE ON OBJECT::[dbo].[AllTypes] TO [app_user];
GRANT EXECUTE ON OBJECT::[dbo].[uspAddChild] TO [app_readers] WITH GRANT OPTION;
GRANT UPDATE ON OBJECT::[dbo].[Child] ([Name]) TO [app_user];
GO
