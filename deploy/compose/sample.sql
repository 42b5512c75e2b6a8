-- Sample database `sample` for the compose stack (loaded by mssql-init).
-- Small but varied on purpose: schemas, foreign keys, identity, computed and
-- default columns, many data types (Unicode, decimal, dates, binary, GUID,
-- XML, NULLs), an index, a view, a scalar function, a procedure and a
-- trigger, so `mssqldump sample` shows every section of a dump.
-- Re-running it drops and recreates the database.
SET NOCOUNT ON;
USE master;
GO
IF DB_ID(N'sample') IS NOT NULL
BEGIN
    ALTER DATABASE [sample] SET SINGLE_USER WITH ROLLBACK IMMEDIATE;
    DROP DATABASE [sample];
END
GO
CREATE DATABASE [sample] COLLATE Latin1_General_100_CI_AS_SC;
GO
USE [sample];
GO
CREATE SCHEMA [sales] AUTHORIZATION [dbo];
GO
CREATE TABLE dbo.Customers (
    CustomerID   int IDENTITY(1,1) NOT NULL CONSTRAINT PK_Customers PRIMARY KEY,
    ExternalID   uniqueidentifier NOT NULL CONSTRAINT DF_Customers_ExternalID DEFAULT NEWSEQUENTIALID(),
    Name         nvarchar(100) NOT NULL,
    Email        varchar(254) NULL,
    CreditLimit  decimal(12,2) NOT NULL CONSTRAINT DF_Customers_CreditLimit DEFAULT (0),
    IsActive     bit NOT NULL CONSTRAINT DF_Customers_IsActive DEFAULT (1),
    CreatedAt    datetime2(3) NOT NULL CONSTRAINT DF_Customers_CreatedAt DEFAULT SYSUTCDATETIME(),
    Notes        nvarchar(max) NULL,
    CONSTRAINT UQ_Customers_Email UNIQUE (Email),
    CONSTRAINT CK_Customers_CreditLimit CHECK (CreditLimit >= 0)
);
GO
CREATE TABLE dbo.Products (
    ProductID    int IDENTITY(100,10) NOT NULL CONSTRAINT PK_Products PRIMARY KEY,
    Sku          char(8) NOT NULL CONSTRAINT UQ_Products_Sku UNIQUE,
    Title        nvarchar(200) NOT NULL,
    Price        money NOT NULL,
    Weight       real NULL,
    Ratio        float NULL,
    Thumbnail    varbinary(max) NULL,
    Spec         xml NULL,
    ReleasedOn   date NULL,
    RowVer       rowversion NOT NULL
);
GO
CREATE TABLE sales.Orders (
    OrderID      bigint IDENTITY(1,1) NOT NULL CONSTRAINT PK_Orders PRIMARY KEY,
    CustomerID   int NOT NULL CONSTRAINT FK_Orders_Customers REFERENCES dbo.Customers (CustomerID),
    OrderedAt    datetimeoffset(0) NOT NULL,
    ShipTime     time(0) NULL,
    Status       tinyint NOT NULL CONSTRAINT DF_Orders_Status DEFAULT (0),
    Total        decimal(14,2) NOT NULL CONSTRAINT DF_Orders_Total DEFAULT (0)
);
GO
CREATE TABLE sales.OrderLines (
    OrderID      bigint NOT NULL CONSTRAINT FK_OrderLines_Orders REFERENCES sales.Orders (OrderID) ON DELETE CASCADE,
    LineNumber       smallint NOT NULL,
    ProductID    int NOT NULL CONSTRAINT FK_OrderLines_Products REFERENCES dbo.Products (ProductID),
    Quantity     int NOT NULL CONSTRAINT CK_OrderLines_Quantity CHECK (Quantity > 0),
    UnitPrice    money NOT NULL,
    LineTotal    AS (CONVERT(decimal(14,2), Quantity * UnitPrice)) PERSISTED,
    CONSTRAINT PK_OrderLines PRIMARY KEY (OrderID, LineNumber)
);
GO
CREATE INDEX IX_Orders_CustomerID_OrderedAt ON sales.Orders (CustomerID, OrderedAt DESC) INCLUDE (Total);
GO
-- Self-referencing foreign key: dependency order must cope with it.
CREATE TABLE dbo.Categories (
    CategoryID   int NOT NULL CONSTRAINT PK_Categories PRIMARY KEY,
    ParentID     int NULL CONSTRAINT FK_Categories_Parent REFERENCES dbo.Categories (CategoryID),
    Name         nvarchar(50) NOT NULL
);
GO
CREATE FUNCTION dbo.FormatSku (@sku char(8))
RETURNS nvarchar(12)
WITH SCHEMABINDING
AS
BEGIN
    RETURN N'SKU-' + RTRIM(@sku);
END
GO
CREATE VIEW sales.CustomerTotals
AS
SELECT c.CustomerID, c.Name, COUNT_BIG(o.OrderID) AS Orders, SUM(o.Total) AS Spent
FROM dbo.Customers AS c
LEFT JOIN sales.Orders AS o ON o.CustomerID = c.CustomerID
GROUP BY c.CustomerID, c.Name;
GO
-- Keeps Orders.Total equal to the sum of its lines.
CREATE TRIGGER sales.TR_OrderLines_Total
ON sales.OrderLines
AFTER INSERT, UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    UPDATE o
    SET Total = ISNULL((SELECT SUM(l.LineTotal) FROM sales.OrderLines AS l WHERE l.OrderID = o.OrderID), 0)
    FROM sales.Orders AS o
    WHERE o.OrderID IN (SELECT OrderID FROM inserted UNION SELECT OrderID FROM deleted);
END
GO
CREATE PROCEDURE sales.PlaceOrder
    @CustomerID int,
    @ProductID int,
    @Quantity int,
    @OrderID bigint OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    BEGIN TRANSACTION;
    INSERT sales.Orders (CustomerID, OrderedAt) VALUES (@CustomerID, SYSDATETIMEOFFSET());
    SET @OrderID = SCOPE_IDENTITY();
    INSERT sales.OrderLines (OrderID, LineNumber, ProductID, Quantity, UnitPrice)
    SELECT @OrderID, 1, ProductID, @Quantity, Price FROM dbo.Products WHERE ProductID = @ProductID;
    COMMIT;
END
GO
INSERT dbo.Customers (Name, Email, CreditLimit, IsActive, CreatedAt, Notes) VALUES
    (N'Ada Lovelace', 'ada@example.com', 1500.00, 1, '2024-01-02T03:04:05.678', N'first customer'),
    (N'Grace O''Hopper', 'grace@example.com', 0, 1, '2024-02-29T23:59:59.999', NULL),
    (N'Zoë Ünïcödé 漢字 🙂', NULL, 99.95, 0, '2024-12-31T00:00:00', N'line one' + NCHAR(13) + NCHAR(10) + N'line two'),
    (N'Tab	and "quotes"', 'tab@example.com', 12345678.90, 1, '2025-06-15T12:00:00', N'');
GO
INSERT dbo.Products (Sku, Title, Price, Weight, Ratio, Thumbnail, Spec, ReleasedOn) VALUES
    ('WID-0001', N'Widget', 9.99, 0.25, 0.1, 0x89504E470D0A1A0A, N'<spec><color>red</color></spec>', '2023-03-01'),
    ('GAD-0002', N'Gadget', 1234.5678, NULL, 1e-300, NULL, NULL, NULL),
    ('GIZ-0003', N'Gizmo – “deluxe”', 0.01, 1.5e10, -0.0, 0x, N'<spec/>', '1900-01-01');
GO
-- Parents before children, one level per statement.
INSERT dbo.Categories (CategoryID, ParentID, Name) VALUES (1, NULL, N'All');
INSERT dbo.Categories (CategoryID, ParentID, Name) VALUES (2, 1, N'Hardware'), (4, 1, N'Gifts');
INSERT dbo.Categories (CategoryID, ParentID, Name) VALUES (3, 2, N'Widgets');
GO
INSERT sales.Orders (CustomerID, OrderedAt, ShipTime, Status) VALUES
    (1, '2025-01-10T09:30:00+01:00', '14:00:00', 2),
    (2, '2025-03-31T23:00:00-05:00', NULL, 1),
    (1, '2025-07-04T00:00:00+00:00', '08:15:00', 0);
GO
INSERT sales.OrderLines (OrderID, LineNumber, ProductID, Quantity, UnitPrice) VALUES
    (1, 1, 100, 3, 9.99),
    (1, 2, 110, 1, 1234.5678),
    (2, 1, 120, 10, 0.01),
    (3, 1, 100, 1, 9.99);
GO
