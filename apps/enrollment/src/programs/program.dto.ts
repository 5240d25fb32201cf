import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { IsText, viewMapper } from '@chanjiao/edge';
import { ID_PATTERN, PROGRAM_LEVELS, PROGRAM_STATUSES, ProgramLevel, ProgramStatus, Sector, SECTORS } from '@chanjiao/contracts';

export class PutProgramDto {
  @ApiProperty({ example: '数控技术' })
  @IsString()
  @IsText(200)
  name!: string;

  @ApiProperty({ description: 'Program category (专业大类) code, two digits', example: '46' })
  @IsString()
  @Matches(/^\d{2}$/, { message: 'category must be a two-digit program category code, e.g. "46"' })
  category!: string;

  @ApiPropertyOptional({ description: 'Program cluster (专业群)', example: '石油石化专业群' })
  @IsOptional()
  @IsString()
  @IsText(200)
  cluster?: string;

  @ApiProperty({ enum: PROGRAM_LEVELS })
  @IsIn(PROGRAM_LEVELS)
  level!: ProgramLevel;

  @ApiProperty({ enum: SECTORS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SECTORS.length)
  @IsIn(SECTORS, { each: true })
  sectors!: Sector[];

  @ApiProperty({ enum: PROGRAM_STATUSES })
  @IsIn(PROGRAM_STATUSES)
  status!: ProgramStatus;
}

export class ProgramBatchItemDto extends PutProgramDto {
  @ApiProperty({ example: '460103' })
  @IsString()
  @Matches(ID_PATTERN, { message: 'code must be 1-64 letters, digits, ".", "_", ":" or "-"' })
  code!: string;
}

export class ProgramView {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() category!: string;
  @ApiProperty({ nullable: true, type: String }) cluster!: string | null;
  @ApiProperty({ enum: PROGRAM_LEVELS }) level!: ProgramLevel;
  @ApiProperty({ enum: SECTORS, isArray: true }) sectors!: Sector[];
  @ApiProperty({ enum: PROGRAM_STATUSES }) status!: ProgramStatus;
  @ApiProperty({ description: 'Sequence of the latest event about this program' }) version!: number;
}

/** The API view of a program: exactly these keys of its state (README, Architecture: views are allow-lists). */
export const toProgramView = viewMapper(ProgramView, ['code', 'name', 'category', 'cluster', 'level', 'sectors', 'status', 'version']);
