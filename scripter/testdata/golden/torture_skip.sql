-- pre-data
SET NOCOUNT ON;
SET ANSI_NULLS ON;
SET ANSI_PADDING ON;
SET ANSI_WARNINGS ON;
SET ARITHABORT ON;
SET CONCAT_NULL_YIELDS_NULL ON;
SET NUMERIC_ROUNDABORT OFF;
SET QUOTED_IDENTIFIER ON;
GO

-- SCHEMA [sales]
CREATE SCHEMA [sales];
GO

-- SCHEMA [we]]ird 'sch' ü]
CREATE SCHEMA [we]]ird 'sch' ü];
GO

-- XML SCHEMA COLLECTION [dbo].[OrderSchema]
DECLARE @schema nvarchar(max) = N'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:torture"><xsd:element name="order"><xsd:complexType><xsd:sequence><xsd:element name="line" type="xsd:string" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence><xsd:attribute name="id" type="xsd:int"/></xsd:complexType></xsd:element></xsd:schema>';
CREATE XML SCHEMA COLLECTION [dbo].[OrderSchema] AS @schema;
GO

-- DEFAULT [dbo].[DefZero]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE DEFAULT [dbo].[DefZero] AS 0
GO

-- RULE [dbo].[RuleNonNegative]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE RULE [dbo].[RuleNonNegative] AS @value >= 0
GO

-- TYPE [dbo].[Money2]
CREATE TYPE [dbo].[Money2] FROM decimal(19, 4) NOT NULL;
GO

-- TYPE [dbo].[Phone]
CREATE TYPE [dbo].[Phone] FROM nvarchar(20) NULL;
GO

-- TYPE [dbo].[OrderLines]
CREATE TYPE [dbo].[OrderLines] AS TABLE (
	[LineNo] int NOT NULL,
	[Sku] varchar(20) NOT NULL,
	[Qty] int NOT NULL DEFAULT ((1)),
	PRIMARY KEY CLUSTERED ([LineNo] ASC),
	UNIQUE NONCLUSTERED ([Sku] ASC),
	INDEX [IX_Qty] NONCLUSTERED ([Qty] ASC),
	CHECK ([Qty]>(0))
);
GO

-- SEQUENCE [dbo].[OrderNumbers]
CREATE SEQUENCE [dbo].[OrderNumbers] AS bigint
	START WITH 1000
	INCREMENT BY 1
	MINVALUE 1000
	MAXVALUE 9223372036854775807
	NO CYCLE
	CACHE 50;
GO
ALTER SEQUENCE [dbo].[OrderNumbers] RESTART WITH 1002;
DECLARE @consumed sql_variant;
SET @consumed = NEXT VALUE FOR [dbo].[OrderNumbers];
GO

-- SEQUENCE [dbo].[Ticket]
CREATE SEQUENCE [dbo].[Ticket] AS decimal(38, 0)
	START WITH -99999999999999999999999999999999999999
	INCREMENT BY 10
	MINVALUE -99999999999999999999999999999999999999
	MAXVALUE 99999999999999999999999999999999999999
	NO CYCLE
	NO CACHE;
GO

-- SEQUENCE [sales].[Countdown]
CREATE SEQUENCE [sales].[Countdown] AS smallint
	START WITH 10
	INCREMENT BY -1
	MINVALUE -10
	MAXVALUE 10
	CYCLE;
GO
ALTER SEQUENCE [sales].[Countdown] RESTART WITH 7;
DECLARE @consumed sql_variant;
SET @consumed = NEXT VALUE FOR [sales].[Countdown];
GO

-- TABLE [dbo].[AccountHistory]
CREATE TABLE [dbo].[AccountHistory] (
	[AccountId] int NOT NULL,
	[Balance] money NOT NULL,
	[ValidFrom] datetime2(7) NOT NULL,
	[ValidTo] datetime2(7) NOT NULL
);
GO
CREATE CLUSTERED INDEX [ix_AccountHistory] ON [dbo].[AccountHistory] ([ValidTo] ASC, [ValidFrom] ASC);
GO

-- TABLE [dbo].[Account]
CREATE TABLE [dbo].[Account] (
	[AccountId] int NOT NULL,
	[Balance] money NOT NULL,
	[ValidFrom] datetime2(7) NOT NULL,
	[ValidTo] datetime2(7) NOT NULL,
	CONSTRAINT [PK_Account] PRIMARY KEY CLUSTERED ([AccountId] ASC)
);
GO

-- TABLE [dbo].[AllTypes]
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
	[c_rowversion] timestamp NOT NULL,
	[c_phone] [dbo].[Phone] NULL,
	[c_sysname] sysname NULL,
	[c_collated] varchar(20) COLLATE Latin1_General_BIN2 NULL,
	[c_computed] AS ([c_int]*(2)) PERSISTED,
	[c_upper] AS (upper([c_varchar])),
	[c_doubled] AS ([dbo].[fnDouble]([c_int])),
	CONSTRAINT [PK_AllTypes] PRIMARY KEY CLUSTERED ([Id] ASC) WITH (DATA_COMPRESSION = PAGE)
);
GO

-- TABLE [dbo].[Employee]
CREATE TABLE [dbo].[Employee] (
	[Id] int NOT NULL,
	[ManagerId] int NULL,
	[Email] varchar(320) NOT NULL,
	CONSTRAINT [PK_Employee] PRIMARY KEY CLUSTERED ([Id] ASC)
);
GO

-- TABLE [dbo].[Facts]
CREATE TABLE [dbo].[Facts] (
	[Id] bigint NOT NULL,
	[A] int NULL,
	[B] int NULL,
	CONSTRAINT [PK_Facts] PRIMARY KEY CLUSTERED ([Id] ASC)
);
GO
ALTER TABLE [dbo].[Facts] SET (LOCK_ESCALATION = AUTO);
GO

-- TABLE [dbo].[FactsArchive]
CREATE TABLE [dbo].[FactsArchive] (
	[Day] date NOT NULL,
	[Amount] money NOT NULL
);
GO
CREATE CLUSTERED COLUMNSTORE INDEX [CCI_FactsArchive] ON [dbo].[FactsArchive] WITH (DATA_COMPRESSION = COLUMNSTORE_ARCHIVE);
GO

-- TABLE [dbo].[Heap]
CREATE TABLE [dbo].[Heap] (
	[Line] nvarchar(4000) NULL,
	[Raw] varbinary(8000) NULL
)
WITH (DATA_COMPRESSION = ROW);
GO

-- TABLE [dbo].[SparseProps]
CREATE TABLE [dbo].[SparseProps] (
	[Id] int NOT NULL,
	[Color] varchar(20) SPARSE NULL,
	[Size] int SPARSE NULL,
	[AllProps] xml COLUMN_SET FOR ALL_SPARSE_COLUMNS NULL,
	CONSTRAINT [PK_SparseProps] PRIMARY KEY CLUSTERED ([Id] ASC)
);
GO

-- TABLE [sales].[Orders]
CREATE TABLE [sales].[Orders] (
	[OrderId] bigint NOT NULL CONSTRAINT [DF_Orders_OrderId] DEFAULT (NEXT VALUE FOR [dbo].[OrderNumbers]),
	[CustomerName] nvarchar(100) MASKED WITH (FUNCTION = 'partial(1, "xxx", 1)') NOT NULL,
	[Status] tinyint NOT NULL,
	[ShippedAt] datetime2(0) NULL,
	[Total] [dbo].[Money2] NOT NULL,
	[Notes] nvarchar(max) NULL,
	[Notes_len] AS (len([Notes])) PERSISTED,
	CONSTRAINT [PK_Orders] PRIMARY KEY NONCLUSTERED ([OrderId] ASC)
);
GO

-- TABLE [dbo].[Child]
CREATE TABLE [dbo].[Child] (
	[Id] int NOT NULL,
	[ParentId] int NOT NULL,
	[Name] nvarchar(50) NOT NULL,
	[Touched] datetime2(7) NULL CONSTRAINT [DF__Child__Touched__6C190EBB] DEFAULT (sysutcdatetime()),
	CONSTRAINT [PK_Child] PRIMARY KEY CLUSTERED ([Id] ASC)
);
GO

-- TABLE [dbo].[Parent]
CREATE TABLE [dbo].[Parent] (
	[Id] int NOT NULL,
	[Name] nvarchar(50) NOT NULL,
	[FavoriteChildId] int NULL,
	CONSTRAINT [PK_Parent] PRIMARY KEY CLUSTERED ([Id] ASC)
);
GO

-- TABLE [dbo].[Legacy]
CREATE TABLE [dbo].[Legacy] (
	[Id] bigint IDENTITY(-9223372036854775808,1) NOT NULL,
	[ParentId] int NULL,
	[ChildId] int NULL,
	[Amount] decimal(9, 2) NOT NULL,
	CONSTRAINT [PK_Legacy] PRIMARY KEY NONCLUSTERED ([Id] ASC),
	CONSTRAINT [UQ_Legacy_Clustered] UNIQUE CLUSTERED ([Amount] ASC, [Id] ASC)
);
GO

-- TABLE [we]]ird 'sch' ü].[Tab]]le "x" ü 😀]
CREATE TABLE [we]]ird 'sch' ü].[Tab]]le "x" ü 😀] (
	[Id] int NOT NULL,
	[col]]umn ' ü] int NULL,
	[space col] nvarchar(10) NULL,
	CONSTRAINT [PK ]]weird] PRIMARY KEY CLUSTERED ([Id] ASC)
);
GO

-- SYNONYM [dbo].[synChild]
CREATE SYNONYM [dbo].[synChild] FOR [dbo].[Child];
GO

-- VIEW [dbo].[vChildCount]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE VIEW dbo.vChildCount WITH SCHEMABINDING
AS
SELECT ParentId, COUNT_BIG(*) AS Children
FROM dbo.Child
GROUP BY ParentId
GO

-- VIEW [dbo].[vSyn]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE VIEW dbo.vSyn AS SELECT Id, Name FROM dbo.synChild
GO

-- VIEW [sales].[vOpenOrders]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE VIEW sales.vOpenOrders
AS
SELECT o.OrderId, o.CustomerName, t.Children
FROM sales.Orders AS o
CROSS APPLY dbo.fnTotals() AS t
WHERE o.ShippedAt IS NULL
GO

-- (data section)

-- post-data
SET NOCOUNT ON;
SET ANSI_NULLS ON;
SET ANSI_PADDING ON;
SET ANSI_WARNINGS ON;
SET ARITHABORT ON;
SET CONCAT_NULL_YIELDS_NULL ON;
SET NUMERIC_ROUNDABORT OFF;
SET QUOTED_IDENTIFIER ON;
GO

-- INDEX [PXML_AllTypes_xml] ON [dbo].[AllTypes]
CREATE PRIMARY XML INDEX [PXML_AllTypes_xml] ON [dbo].[AllTypes] ([c_xml]);
GO

-- INDEX [SXML_AllTypes_xml_path] ON [dbo].[AllTypes]
CREATE XML INDEX [SXML_AllTypes_xml_path] ON [dbo].[AllTypes] ([c_xml])
	USING XML INDEX [PXML_AllTypes_xml] FOR PATH;
GO

-- INDEX [SIX_AllTypes_geometry] ON [dbo].[AllTypes]
CREATE SPATIAL INDEX [SIX_AllTypes_geometry] ON [dbo].[AllTypes] ([c_geometry])
	USING GEOMETRY_AUTO_GRID WITH (BOUNDING_BOX = (0, 0, 100, 100), CELLS_PER_OBJECT = 16);
GO

-- UNIQUE [UQ_Employee_Email] ON [dbo].[Employee]
ALTER TABLE [dbo].[Employee] ADD CONSTRAINT [UQ_Employee_Email] UNIQUE NONCLUSTERED ([Email] ASC);
GO

-- INDEX [NCCI_Facts] ON [dbo].[Facts]
CREATE NONCLUSTERED COLUMNSTORE INDEX [NCCI_Facts] ON [dbo].[Facts] ([A], [B]);
GO

-- INDEX [IX_Orders_Disabled] ON [sales].[Orders]
CREATE NONCLUSTERED INDEX [IX_Orders_Disabled] ON [sales].[Orders] ([Notes_len] ASC);
GO
ALTER INDEX [IX_Orders_Disabled] ON [sales].[Orders] DISABLE;
GO

-- INDEX [IX_Orders_ShippedAt] ON [sales].[Orders]
CREATE NONCLUSTERED INDEX [IX_Orders_ShippedAt] ON [sales].[Orders] ([ShippedAt] DESC, [OrderId] ASC) WITH (PAD_INDEX = ON, FILLFACTOR = 80);
GO

-- INDEX [IX_Orders_Unshipped] ON [sales].[Orders]
CREATE NONCLUSTERED INDEX [IX_Orders_Unshipped] ON [sales].[Orders] ([Status] ASC) INCLUDE ([Total], [CustomerName]) WHERE ([ShippedAt] IS NULL);
GO

-- INDEX [UX_Orders_Customer] ON [sales].[Orders]
CREATE UNIQUE NONCLUSTERED INDEX [UX_Orders_Customer] ON [sales].[Orders] ([CustomerName] ASC, [OrderId] ASC) WITH (IGNORE_DUP_KEY = ON, ALLOW_PAGE_LOCKS = OFF);
GO

-- UNIQUE [UQ_Child_Parent_Name] ON [dbo].[Child]
ALTER TABLE [dbo].[Child] ADD CONSTRAINT [UQ_Child_Parent_Name] UNIQUE NONCLUSTERED ([ParentId] ASC, [Name] ASC);
GO

-- INDEX [CIX_vChildCount] ON [dbo].[vChildCount]
CREATE UNIQUE CLUSTERED INDEX [CIX_vChildCount] ON [dbo].[vChildCount] ([ParentId] ASC);
GO

-- FOREIGN KEY [FK_Employee_Manager] ON [dbo].[Employee]
ALTER TABLE [dbo].[Employee] ADD CONSTRAINT [FK_Employee_Manager] FOREIGN KEY ([ManagerId])
	REFERENCES [dbo].[Employee] ([Id]);
GO

-- FOREIGN KEY [FK_Child_Parent] ON [dbo].[Child]
ALTER TABLE [dbo].[Child] ADD CONSTRAINT [FK_Child_Parent] FOREIGN KEY ([ParentId])
	REFERENCES [dbo].[Parent] ([Id]) ON DELETE CASCADE;
GO

-- FOREIGN KEY [FK_Parent_FavoriteChild] ON [dbo].[Parent]
ALTER TABLE [dbo].[Parent] ADD CONSTRAINT [FK_Parent_FavoriteChild] FOREIGN KEY ([FavoriteChildId])
	REFERENCES [dbo].[Child] ([Id]);
GO

-- FOREIGN KEY [FK_Legacy_Child] ON [dbo].[Legacy]
ALTER TABLE [dbo].[Legacy] WITH NOCHECK ADD CONSTRAINT [FK_Legacy_Child] FOREIGN KEY ([ChildId])
	REFERENCES [dbo].[Child] ([Id]) NOT FOR REPLICATION;
GO

-- FOREIGN KEY [FK_Legacy_Parent] ON [dbo].[Legacy]
ALTER TABLE [dbo].[Legacy] WITH NOCHECK ADD CONSTRAINT [FK_Legacy_Parent] FOREIGN KEY ([ParentId])
	REFERENCES [dbo].[Parent] ([Id]);
GO
ALTER TABLE [dbo].[Legacy] NOCHECK CONSTRAINT [FK_Legacy_Parent];
GO

-- FOREIGN KEY [FK ]]weird' ü] ON [we]]ird 'sch' ü].[Tab]]le "x" ü 😀]
ALTER TABLE [we]]ird 'sch' ü].[Tab]]le "x" ü 😀] ADD CONSTRAINT [FK ]]weird' ü] FOREIGN KEY ([col]]umn ' ü])
	REFERENCES [dbo].[Parent] ([Id]) ON DELETE SET NULL;
GO

-- CHECK [CK_Legacy_Positive] ON [dbo].[Legacy]
ALTER TABLE [dbo].[Legacy] WITH NOCHECK ADD CONSTRAINT [CK_Legacy_Positive] CHECK ([Amount]>(0));
GO

-- CHECK [CK_Legacy_Small] ON [dbo].[Legacy]
ALTER TABLE [dbo].[Legacy] WITH NOCHECK ADD CONSTRAINT [CK_Legacy_Small] CHECK NOT FOR REPLICATION ([Amount]<(1000));
GO
ALTER TABLE [dbo].[Legacy] NOCHECK CONSTRAINT [CK_Legacy_Small];
GO

-- BINDINGS [dbo].[Money2]
EXEC sys.sp_bindefault @defname = N'[dbo].[DefZero]', @objname = N'[dbo].[Money2]', @futureonly = 'futureonly';
GO
EXEC sys.sp_bindrule @rulename = N'[dbo].[RuleNonNegative]', @objname = N'[dbo].[Money2]', @futureonly = 'futureonly';
GO

-- BINDINGS [dbo].[Facts]
EXEC sys.sp_bindefault @defname = N'[dbo].[DefZero]', @objname = N'[dbo].[Facts].[A]';
GO
EXEC sys.sp_bindrule @rulename = N'[dbo].[RuleNonNegative]', @objname = N'[dbo].[Facts].[B]';
GO

-- SYSTEM_VERSIONING [dbo].[Account]
ALTER TABLE [dbo].[Account] ADD PERIOD FOR SYSTEM_TIME ([ValidFrom], [ValidTo]);
ALTER TABLE [dbo].[Account] ALTER COLUMN [ValidFrom] ADD HIDDEN;
ALTER TABLE [dbo].[Account] ALTER COLUMN [ValidTo] ADD HIDDEN;
ALTER TABLE [dbo].[Account] SET (SYSTEM_VERSIONING = ON (HISTORY_TABLE = [dbo].[AccountHistory], HISTORY_RETENTION_PERIOD = 6 MONTHS, DATA_CONSISTENCY_CHECK = ON));
GO

-- CHANGE_TRACKING [dbo].[Facts]
IF NOT EXISTS (SELECT 1 FROM sys.change_tracking_databases WHERE database_id = DB_ID())
	ALTER DATABASE CURRENT SET CHANGE_TRACKING = ON;
GO
IF NOT EXISTS (SELECT 1 FROM sys.change_tracking_tables WHERE object_id = OBJECT_ID(N'[dbo].[Facts]'))
	ALTER TABLE [dbo].[Facts] ENABLE CHANGE_TRACKING;
GO

-- warning schema_owner_omitted we]ird 'sch' ü: schema owner app_user is scripted only with --permissions; the schema is created owned by dbo
