import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsCalendarDate, IsEntityId, IsText, viewMapper } from '@chanjiao/edge';

export class AdoptCharterDto {
  @ApiProperty({ description: 'Charter version: a positive integer, higher than every earlier version of the alliance', example: 2 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  version!: number;

  @ApiProperty({ example: '2021-04-18' })
  @IsCalendarDate()
  adoptedOn!: string;

  @ApiPropertyOptional({ description: 'Kept in the alliance service only; never published' })
  @IsOptional()
  @IsString()
  @IsText(2000)
  summary?: string;
}

export class CharterBatchItemDto extends AdoptCharterDto {
  @ApiProperty({ example: 'BZ-TEXTILE' }) @IsEntityId() allianceId!: string;
}

export class CharterView {
  @ApiProperty() allianceId!: string;
  @ApiProperty() version!: number;
  @ApiProperty() adoptedOn!: string;
  @ApiProperty({ nullable: true, type: String }) summary!: string | null;
  @ApiProperty({ description: 'Ordinal of the charter = sequence of its event' }) sequence!: number;
}

export const toCharterView = viewMapper(CharterView, ['allianceId', 'version', 'adoptedOn', 'summary', 'sequence']);
