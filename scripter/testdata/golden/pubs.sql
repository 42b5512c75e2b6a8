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

-- TYPE [dbo].[empid]
CREATE TYPE [dbo].[empid] FROM char(9) NOT NULL;
GO

-- TYPE [dbo].[id]
CREATE TYPE [dbo].[id] FROM varchar(11) NOT NULL;
GO

-- TYPE [dbo].[tid]
CREATE TYPE [dbo].[tid] FROM varchar(6) NOT NULL;
GO

-- TABLE [dbo].[authors]
CREATE TABLE [dbo].[authors] (
	[au_id] [dbo].[id] NOT NULL,
	[au_lname] varchar(40) NOT NULL,
	[au_fname] varchar(20) NOT NULL,
	[phone] char(12) NOT NULL CONSTRAINT [DF__authors__phone__2C3393D0] DEFAULT ('UNKNOWN'),
	[address] varchar(40) NULL,
	[city] varchar(20) NULL,
	[state] char(2) NULL,
	[zip] char(5) NULL,
	[contract] bit NOT NULL,
	CONSTRAINT [UPKCL_auidind] PRIMARY KEY CLUSTERED ([au_id] ASC)
);
GO

-- TABLE [dbo].[jobs]
CREATE TABLE [dbo].[jobs] (
	[job_id] smallint IDENTITY(1,1) NOT NULL,
	[job_desc] varchar(50) NOT NULL CONSTRAINT [DF__jobs__job_desc__44FF419A] DEFAULT ('New Position - title not formalized yet'),
	[min_lvl] tinyint NOT NULL,
	[max_lvl] tinyint NOT NULL,
	CONSTRAINT [PK__jobs__6E32B6A51A4F2B7C] PRIMARY KEY CLUSTERED ([job_id] ASC)
);
GO

-- TABLE [dbo].[publishers]
CREATE TABLE [dbo].[publishers] (
	[pub_id] char(4) NOT NULL,
	[pub_name] varchar(40) NULL,
	[city] varchar(20) NULL,
	[state] char(2) NULL,
	[country] varchar(30) NULL CONSTRAINT [DF__publisher__count__300424B4] DEFAULT ('USA'),
	CONSTRAINT [UPKCL_pubind] PRIMARY KEY CLUSTERED ([pub_id] ASC)
);
GO

-- TABLE [dbo].[employee]
CREATE TABLE [dbo].[employee] (
	[emp_id] [dbo].[empid] NOT NULL,
	[fname] varchar(20) NOT NULL,
	[minit] char(1) NULL,
	[lname] varchar(30) NOT NULL,
	[job_id] smallint NOT NULL CONSTRAINT [DF__employee__job_id__4D94879B] DEFAULT ((1)),
	[job_lvl] tinyint NULL CONSTRAINT [DF__employee__job_lv__4F7CD00D] DEFAULT ((10)),
	[pub_id] char(4) NOT NULL CONSTRAINT [DF__employee__pub_id__5070F446] DEFAULT ('9952'),
	[hire_date] datetime NOT NULL CONSTRAINT [DF__employee__hire_d__52593CB8] DEFAULT (getdate()),
	CONSTRAINT [PK_emp_id] PRIMARY KEY NONCLUSTERED ([emp_id] ASC)
);
GO
CREATE CLUSTERED INDEX [employee_ind] ON [dbo].[employee] ([lname] ASC, [fname] ASC, [minit] ASC);
GO

-- TABLE [dbo].[pub_info]
CREATE TABLE [dbo].[pub_info] (
	[pub_id] char(4) NOT NULL,
	[logo] image NULL,
	[pr_info] text NULL,
	CONSTRAINT [UPKCL_pubinfo] PRIMARY KEY CLUSTERED ([pub_id] ASC)
);
GO

-- TABLE [dbo].[stores]
CREATE TABLE [dbo].[stores] (
	[stor_id] char(4) NOT NULL,
	[stor_name] varchar(40) NULL,
	[stor_address] varchar(40) NULL,
	[city] varchar(20) NULL,
	[state] char(2) NULL,
	[zip] char(5) NULL,
	CONSTRAINT [UPK_storeid] PRIMARY KEY CLUSTERED ([stor_id] ASC)
);
GO

-- TABLE [dbo].[discounts]
CREATE TABLE [dbo].[discounts] (
	[discounttype] varchar(40) NOT NULL,
	[stor_id] char(4) NULL,
	[lowqty] smallint NULL,
	[highqty] smallint NULL,
	[discount] decimal(4, 2) NOT NULL
);
GO

-- TABLE [dbo].[titles]
CREATE TABLE [dbo].[titles] (
	[title_id] [dbo].[tid] NOT NULL,
	[title] varchar(80) NOT NULL,
	[type] char(12) NOT NULL CONSTRAINT [DF__titles__type__32E0915F] DEFAULT ('UNDECIDED'),
	[pub_id] char(4) NULL,
	[price] money NULL,
	[advance] money NULL,
	[royalty] int NULL,
	[ytd_sales] int NULL,
	[notes] varchar(200) NULL,
	[pubdate] datetime NOT NULL CONSTRAINT [DF__titles__pubdate__3E52440B] DEFAULT (getdate()),
	CONSTRAINT [UPKCL_titleidind] PRIMARY KEY CLUSTERED ([title_id] ASC)
);
GO

-- TABLE [dbo].[roysched]
CREATE TABLE [dbo].[roysched] (
	[title_id] [dbo].[tid] NOT NULL,
	[lorange] int NULL,
	[hirange] int NULL,
	[royalty] int NULL
);
GO

-- TABLE [dbo].[sales]
CREATE TABLE [dbo].[sales] (
	[stor_id] char(4) NOT NULL,
	[ord_num] varchar(20) NOT NULL,
	[ord_date] datetime NOT NULL,
	[qty] smallint NOT NULL,
	[payterms] varchar(12) NOT NULL,
	[title_id] [dbo].[tid] NOT NULL,
	CONSTRAINT [UPKCL_sales] PRIMARY KEY CLUSTERED ([stor_id] ASC, [ord_num] ASC, [title_id] ASC)
);
GO

-- TABLE [dbo].[titleauthor]
CREATE TABLE [dbo].[titleauthor] (
	[au_id] [dbo].[id] NOT NULL,
	[title_id] [dbo].[tid] NOT NULL,
	[au_ord] tinyint NULL,
	[royaltyper] int NULL,
	CONSTRAINT [UPKCL_taind] PRIMARY KEY CLUSTERED ([au_id] ASC, [title_id] ASC)
);
GO

-- VIEW [dbo].[titleview]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE VIEW titleview
AS
select title, au_ord, au_lname, price, ytd_sales, pub_id
from authors, titles, titleauthor
where authors.au_id = titleauthor.au_id
   AND titles.title_id = titleauthor.title_id
GO

-- PROCEDURE [dbo].[byroyalty]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE byroyalty @percentage int
AS
select au_id from titleauthor
where titleauthor.royaltyper = @percentage
GO

-- PROCEDURE [dbo].[reptq1]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE reptq1 AS
select
	case when grouping(pub_id) = 1 then 'ALL' else pub_id end as pub_id,
	avg(price) as avg_price
from titles
where price is NOT NULL
group by pub_id with rollup
order by pub_id
GO

-- PROCEDURE [dbo].[reptq2]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE reptq2 AS
select
	case when grouping(type) = 1 then 'ALL' else type end as type,
	case when grouping(pub_id) = 1 then 'ALL' else pub_id end as pub_id,
	avg(ytd_sales) as avg_ytd_sales
from titles
where pub_id is NOT NULL
group by pub_id, type with rollup
GO

-- PROCEDURE [dbo].[reptq3]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE reptq3 @lolimit money, @hilimit money,
@type char(12)
AS
select
	case when grouping(pub_id) = 1 then 'ALL' else pub_id end as pub_id,
	case when grouping(type) = 1 then 'ALL' else type end as type,
	count(title_id) as cnt
from titles
where price >@lolimit AND price <@hilimit AND type = @type OR type LIKE '%cook%'
group by pub_id, type with rollup
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

-- INDEX [aunmind] ON [dbo].[authors]
CREATE NONCLUSTERED INDEX [aunmind] ON [dbo].[authors] ([au_lname] ASC, [au_fname] ASC);
GO

-- INDEX [titleind] ON [dbo].[titles]
CREATE NONCLUSTERED INDEX [titleind] ON [dbo].[titles] ([title] ASC);
GO

-- INDEX [titleidind] ON [dbo].[roysched]
CREATE NONCLUSTERED INDEX [titleidind] ON [dbo].[roysched] ([title_id] ASC);
GO

-- INDEX [titleidind] ON [dbo].[sales]
CREATE NONCLUSTERED INDEX [titleidind] ON [dbo].[sales] ([title_id] ASC);
GO

-- INDEX [auidind] ON [dbo].[titleauthor]
CREATE NONCLUSTERED INDEX [auidind] ON [dbo].[titleauthor] ([au_id] ASC);
GO

-- INDEX [titleidind] ON [dbo].[titleauthor]
CREATE NONCLUSTERED INDEX [titleidind] ON [dbo].[titleauthor] ([title_id] ASC);
GO

-- FOREIGN KEY [FK__employee__job_id__4E88ABD4] ON [dbo].[employee]
ALTER TABLE [dbo].[employee] ADD CONSTRAINT [FK__employee__job_id__4E88ABD4] FOREIGN KEY ([job_id])
	REFERENCES [dbo].[jobs] ([job_id]);
GO

-- FOREIGN KEY [FK__employee__pub_id__5165187F] ON [dbo].[employee]
ALTER TABLE [dbo].[employee] ADD CONSTRAINT [FK__employee__pub_id__5165187F] FOREIGN KEY ([pub_id])
	REFERENCES [dbo].[publishers] ([pub_id]);
GO

-- FOREIGN KEY [FK__pub_info__pub_id__49C3F6B7] ON [dbo].[pub_info]
ALTER TABLE [dbo].[pub_info] ADD CONSTRAINT [FK__pub_info__pub_id__49C3F6B7] FOREIGN KEY ([pub_id])
	REFERENCES [dbo].[publishers] ([pub_id]);
GO

-- FOREIGN KEY [FK__discounts__stor___4222D4EF] ON [dbo].[discounts]
ALTER TABLE [dbo].[discounts] ADD CONSTRAINT [FK__discounts__stor___4222D4EF] FOREIGN KEY ([stor_id])
	REFERENCES [dbo].[stores] ([stor_id]);
GO

-- FOREIGN KEY [FK__titles__pub_id__33D4B598] ON [dbo].[titles]
ALTER TABLE [dbo].[titles] ADD CONSTRAINT [FK__titles__pub_id__33D4B598] FOREIGN KEY ([pub_id])
	REFERENCES [dbo].[publishers] ([pub_id]);
GO

-- FOREIGN KEY [FK__roysched__title___403A8C7D] ON [dbo].[roysched]
ALTER TABLE [dbo].[roysched] ADD CONSTRAINT [FK__roysched__title___403A8C7D] FOREIGN KEY ([title_id])
	REFERENCES [dbo].[titles] ([title_id]);
GO

-- FOREIGN KEY [FK__sales__stor_id__3D5E1FD2] ON [dbo].[sales]
ALTER TABLE [dbo].[sales] ADD CONSTRAINT [FK__sales__stor_id__3D5E1FD2] FOREIGN KEY ([stor_id])
	REFERENCES [dbo].[stores] ([stor_id]);
GO

-- FOREIGN KEY [FK__sales__title_id__3E52440B] ON [dbo].[sales]
ALTER TABLE [dbo].[sales] ADD CONSTRAINT [FK__sales__title_id__3E52440B] FOREIGN KEY ([title_id])
	REFERENCES [dbo].[titles] ([title_id]);
GO

-- FOREIGN KEY [FK__titleauth__au_id__37A5467C] ON [dbo].[titleauthor]
ALTER TABLE [dbo].[titleauthor] ADD CONSTRAINT [FK__titleauth__au_id__37A5467C] FOREIGN KEY ([au_id])
	REFERENCES [dbo].[authors] ([au_id]);
GO

-- FOREIGN KEY [FK__titleauth__title__38996AB5] ON [dbo].[titleauthor]
ALTER TABLE [dbo].[titleauthor] ADD CONSTRAINT [FK__titleauth__title__38996AB5] FOREIGN KEY ([title_id])
	REFERENCES [dbo].[titles] ([title_id]);
GO

-- CHECK [CK__authors__au_id__2B3F6F97] ON [dbo].[authors]
ALTER TABLE [dbo].[authors] ADD CONSTRAINT [CK__authors__au_id__2B3F6F97] CHECK ([au_id] like '[0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][0-9][0-9]');
GO

-- CHECK [CK__authors__zip__2D27B809] ON [dbo].[authors]
ALTER TABLE [dbo].[authors] ADD CONSTRAINT [CK__authors__zip__2D27B809] CHECK ([zip] like '[0-9][0-9][0-9][0-9][0-9]');
GO

-- CHECK [CK__jobs__max_lvl__46E78A0C] ON [dbo].[jobs]
ALTER TABLE [dbo].[jobs] ADD CONSTRAINT [CK__jobs__max_lvl__46E78A0C] CHECK ([max_lvl]<=(250));
GO

-- CHECK [CK__jobs__min_lvl__45F365D3] ON [dbo].[jobs]
ALTER TABLE [dbo].[jobs] ADD CONSTRAINT [CK__jobs__min_lvl__45F365D3] CHECK ([min_lvl]>=(10));
GO

-- CHECK [CK__publisher__pub_i__2F10007B] ON [dbo].[publishers]
ALTER TABLE [dbo].[publishers] ADD CONSTRAINT [CK__publisher__pub_i__2F10007B] CHECK ([pub_id]='1756' OR [pub_id]='1622' OR [pub_id]='0877' OR [pub_id]='0736' OR [pub_id]='1389' OR [pub_id] like '99[0-9][0-9]');
GO

-- CHECK [CK_emp_id] ON [dbo].[employee]
ALTER TABLE [dbo].[employee] ADD CONSTRAINT [CK_emp_id] CHECK ([emp_id] like '[A-Z][A-Z][A-Z][1-9][0-9][0-9][0-9][0-9][FM]' OR [emp_id] like '[A-Z]-[A-Z][1-9][0-9][0-9][0-9][0-9][FM]');
GO

-- TRIGGER [dbo].[employee_insupd] ON [dbo].[employee]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE TRIGGER employee_insupd
ON employee
FOR insert, UPDATE
AS
--Get the range of level for this job type from the jobs table.
declare @min_lvl tinyint,
   @max_lvl tinyint,
   @emp_lvl tinyint,
   @job_id smallint
select @min_lvl = min_lvl,
   @max_lvl = max_lvl,
   @emp_lvl = i.job_lvl,
   @job_id = i.job_id
from employee e, jobs j, inserted i
where e.emp_id = i.emp_id AND i.job_id = j.job_id
IF (@job_id = 1) and (@emp_lvl <> 10)
begin
   raiserror ('Job id 1 expects the default level of 10.',16,1)
   ROLLBACK TRANSACTION
end
ELSE
IF NOT (@emp_lvl BETWEEN @min_lvl AND @max_lvl)
begin
   raiserror ('The level for job_id:%d should be between %d and %d.',
      16, 1, @job_id, @min_lvl, @max_lvl)
   ROLLBACK TRANSACTION
end
GO

